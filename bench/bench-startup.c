/* bench-startup.c: cold start to the first frame showing conversations, vs. an empty window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts its own Xvfb and a private session bus, then alternates runs of the empty window and
 * of Frontdesk on the large cached inbox, in the same environment. Each program prints
 * CLOCK_MONOTONIC when its first frame in the awaited state was drawn, with its peak RSS
 * (VmHWM) and its renderer, and exits (see desk-bench-frame.c, and the proposed
 * FRONTDESK_BENCH_EXIT_ON_FIRST_FRAME hook in bench/README.md); the time counted is from just
 * before posix_spawn() to that moment. Page caches are warm: one untimed run of each first.
 *
 * Peak RSS is the child's own VmHWM: wait4()'s ru_maxrss is no use here, since it also counts
 * the memory the process had before exec, i.e. this driver's.
 */
#define G_LOG_DOMAIN "frontdesk-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-common.h"
#include "bench.h"

/* As in desk-bench-frame.h, which needs GTK. */
#define FIRST_FRAME_PREFIX "frontdesk-bench: first-frame"
#define HOOK_ENV "FRONTDESK_BENCH_EXIT_ON_FIRST_FRAME"
#define RUN_TIMEOUT_MS (60 * 1000)

typedef struct
{
  GPid pid;
  int  out_fd;
} Child;

/* Milestones the programs may report on the way to the awaited frame. */
static const struct
{
  const char *key;
  const char *label;
} milestones[] = {
  { "window-created", "window created" },
  { "first-paint", "first frame" },
  { "store-open", "store open" },
  { "first-row-setup", "first row created" },
  { "ids-read", "ids in the list" },
  { "rows-shown", "list rows shown" },
};

typedef struct
{
  double  ms;
  double  rss_mb;
  double  milestone_ms[G_N_ELEMENTS (milestones)];  /* NAN: not reported */
  double  rows_bound;                               /* NAN: not reported */
  char   *renderer;
  char   *versions;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->renderer, g_free);
  g_clear_pointer (&run->versions, g_free);
}

static gboolean
spawn_child (char       **argv,
             char       **envp,
             const char  *log_path,
             gboolean     search_path,
             Child       *child,
             GError     **error)
{
  posix_spawn_file_actions_t actions;
  int fds[2];
  pid_t pid;
  int rc;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen (&actions, STDERR_FILENO, log_path,
                                    O_WRONLY | O_CREAT | O_TRUNC, 0644);

  rc = search_path ? posix_spawnp (&pid, argv[0], &actions, NULL, argv, envp)
                   : posix_spawn (&pid, argv[0], &actions, NULL, argv, envp);
  posix_spawn_file_actions_destroy (&actions);
  close (fds[1]);

  if (rc != 0)
    {
      close (fds[0]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc), "Cannot start %s: %s",
                   argv[0], g_strerror (rc));
      return FALSE;
    }

  child->pid = pid;
  child->out_fd = fds[0];

  return TRUE;
}

/* Reads @child's output until a line starting with @prefix (any line if NULL) arrives. */
static char *
read_line (Child       *child,
           const char  *prefix,
           int          timeout_ms,
           GError     **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      struct pollfd pfd = { child->out_fd, POLLIN, 0 };
      char chunk[1024];
      char *newline;
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      ssize_t n;

      while ((newline = strchr (buffer->str, '\n')) != NULL)
        {
          g_autofree char *line = g_strndup (buffer->str, newline - buffer->str);

          g_string_erase (buffer, 0, newline - buffer->str + 1);
          if (prefix == NULL || g_str_has_prefix (line, prefix))
            return g_steal_pointer (&line);
        }

      if (left <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no report within %d s",
                       timeout_ms / 1000);
          return NULL;
        }

      if (poll (&pfd, 1, (int) left) < 0)
        {
          if (errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "poll: %s", g_strerror (errno));
          return NULL;
        }
      if (pfd.revents == 0)
        continue;

      n = read (child->out_fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "it exited without reporting a first frame");
          return NULL;
        }
      g_string_append_len (buffer, chunk, n);
    }
}

/* Waits for @child to exit; kills it (it is ours) when it does not within @timeout_ms. */
static void
reap (Child *child,
      int    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int status;

  if (child->pid <= 0)
    return;

  while (waitpid (child->pid, &status, WNOHANG) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          kill (child->pid, SIGKILL);
          waitpid (child->pid, &status, 0);
          break;
        }
      g_usleep (2000);
    }

  if (child->out_fd >= 0)
    close (child->out_fd);
  child->pid = 0;
  child->out_fd = -1;
}

static void
stop (Child *child)
{
  if (child->pid > 0)
    kill (child->pid, SIGTERM);
  reap (child, 5000);
}

static gboolean
parse_report (const char  *line,
              gint64       started,
              Run         *run,
              GError     **error)
{
  g_auto(GStrv) fields = g_strsplit (line + strlen (FIRST_FRAME_PREFIX), " ", -1);
  gint64 frame_at = 0;
  long hwm_kb = -1;
  GString *versions = g_string_new (NULL);

  for (guint m = 0; m < G_N_ELEMENTS (milestones); m++)
    run->milestone_ms[m] = NAN;
  run->rows_bound = NAN;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *f = fields[i];

      for (guint m = 0; m < G_N_ELEMENTS (milestones); m++)
        {
          g_autofree char *key = g_strdup_printf ("%s-us=", milestones[m].key);

          if (g_str_has_prefix (f, key))
            run->milestone_ms[m] = (g_ascii_strtoll (f + strlen (key), NULL, 10) - started)
                                   / 1000.0;
        }

      if (g_str_has_prefix (f, "rows-bound="))
        run->rows_bound = g_ascii_strtod (f + strlen ("rows-bound="), NULL);
      else if (g_str_has_prefix (f, "monotonic-us="))
        frame_at = g_ascii_strtoll (f + strlen ("monotonic-us="), NULL, 10);
      else if (g_str_has_prefix (f, "vmhwm-kb="))
        hwm_kb = (long) g_ascii_strtoll (f + strlen ("vmhwm-kb="), NULL, 10);
      else if (g_str_has_prefix (f, "renderer="))
        run->renderer = g_strdup (f + strlen ("renderer="));
      else if (g_str_has_prefix (f, "gtk=") || g_str_has_prefix (f, "adw="))
        g_string_append_printf (versions, "%s%s", versions->len ? " " : "", f);
    }
  run->versions = g_string_free (versions, FALSE);

  if (frame_at <= started || hwm_kb <= 0 || run->renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot read “%s”", line);
      return FALSE;
    }

  run->ms = (frame_at - started) / 1000.0;
  run->rss_mb = hwm_kb / 1024.0;

  return TRUE;
}

static gboolean
run_once (char       **argv,
          char       **envp,
          const char  *log_path,
          Run         *run,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *line = NULL;
  Child child = { 0, -1 };
  gint64 started;

  started = g_get_monotonic_time ();
  if (!spawn_child (argv, envp, log_path, FALSE, &child, error))
    return FALSE;

  line = read_line (&child, FIRST_FRAME_PREFIX, RUN_TIMEOUT_MS, &local_error);
  reap (&child, 10000);

  if (line == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s (its messages: %s)",
                   argv[0], local_error->message, log_path);
      return FALSE;
    }

  return parse_report (line, started, run, error);
}

/* The display and the bus */

static char **
setenv_take (char       **env,
             const char  *variable,
             char        *value)
{
  env = g_environ_setenv (env, variable, value, TRUE);
  g_free (value);

  return env;
}

typedef struct
{
  Child   xvfb;
  Child   bus;
  char  **env;
} Session;

static void
session_stop (Session *session)
{
  stop (&session->bus);
  stop (&session->xvfb);
  g_clear_pointer (&session->env, g_strfreev);
}

static gboolean
session_start (Session             *session,
               const BenchOptions  *options,
               GError             **error)
{
  const char *dirs[] = { "home", "config", "data", "cache", "state", "runtime" };
  g_autofree char *root = g_build_filename (options->data_dir, "session", NULL);
  g_autofree char *xvfb_log = g_build_filename (root, "xvfb.log", NULL);
  g_autofree char *bus_log = g_build_filename (root, "dbus.log", NULL);
  g_autofree char *display = NULL;
  g_autofree char *address = NULL;
  char *xvfb_argv[] = { (char *) "Xvfb", (char *) "-displayfd", (char *) "1", (char *) "-screen",
                        (char *) "0", (char *) "1280x800x24", (char *) "-nolisten",
                        (char *) "tcp", (char *) "-noreset", NULL };
  char *bus_argv[] = { (char *) "dbus-daemon", (char *) "--session", (char *) "--nofork",
                       (char *) "--print-address=1", NULL };
  g_auto(GStrv) parent_env = g_get_environ ();
  char **env;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (root, dirs[i], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_chmod (dir, 0700);
    }

  if (!spawn_child (xvfb_argv, parent_env, xvfb_log, TRUE, &session->xvfb, error))
    return FALSE;
  display = read_line (&session->xvfb, NULL, 20000, error);
  if (display == NULL)
    {
      g_prefix_error (error, "Xvfb (see %s): ", xvfb_log);
      return FALSE;
    }

  /* Like a desktop session, minus anything that differs between the two programs. */
  env = g_get_environ ();
  env = setenv_take (env, "DISPLAY", g_strdup_printf (":%s", g_strstrip (display)));
  env = g_environ_setenv (env, "GDK_BACKEND", "x11", TRUE);
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "GDK_DEBUG");
  env = g_environ_unsetenv (env, "GSK_RENDERER");
  env = g_environ_unsetenv (env, "GTK_DEBUG");
  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  env = setenv_take (env, "HOME", g_build_filename (root, "home", NULL));
  env = setenv_take (env, "XDG_CONFIG_HOME", g_build_filename (root, "config", NULL));
  env = setenv_take (env, "XDG_DATA_HOME", g_build_filename (root, "data", NULL));
  env = setenv_take (env, "XDG_CACHE_HOME", g_build_filename (root, "cache", NULL));
  env = setenv_take (env, "XDG_STATE_HOME", g_build_filename (root, "state", NULL));
  env = setenv_take (env, "XDG_RUNTIME_DIR", g_build_filename (root, "runtime", NULL));
  session->env = env;

  /* Services the bus starts (the accessibility bus) get its environment, not ours. */
  if (!spawn_child (bus_argv, session->env, bus_log, TRUE, &session->bus, error))
    return FALSE;
  address = read_line (&session->bus, NULL, 20000, error);
  if (address == NULL)
    {
      g_prefix_error (error, "dbus-daemon (see %s): ", bus_log);
      return FALSE;
    }
  session->env = g_environ_setenv (session->env, "DBUS_SESSION_BUS_ADDRESS",
                                   g_strstrip (address), TRUE);
  session->env = g_environ_setenv (session->env, HOOK_ENV, "1", TRUE);
  /* The synthetic accounts have no credentials and must not reach the networks. */
  session->env = g_environ_setenv (session->env, "FRONTDESK_NO_SYNC", "1", TRUE);

  return TRUE;
}

/* Whether @path was built with the first-frame hook: it then holds the variable's name. */
static gboolean
has_hook (const char *path)
{
  g_autoptr(GMappedFile) file = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  file = g_mapped_file_new (path, FALSE, NULL);
  if (file == NULL)
    return FALSE;

  {
    const char *p = g_mapped_file_get_contents (file);
    const char *end = p + g_mapped_file_get_length (file);
    gsize len = strlen (HOOK_ENV);

    while ((p = memchr (p, HOOK_ENV[0], end - p)) != NULL && p + len <= end)
      {
        if (memcmp (p, HOOK_ENV, len) == 0)
          return TRUE;
        p++;
      }
  }

  return FALSE;
}

/* @what: -3 for the rows bound, -2 for the time, -1 for the RSS, else a milestone */
static double
median_of (GArray *runs,
           int     what)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < runs->len; i++)
    {
      Run *run = &g_array_index (runs, Run, i);
      double v = what == -3 ? run->rows_bound : what == -2 ? run->ms
               : what == -1 ? run->rss_mb : run->milestone_ms[what];

      if (!isnan (v))
        g_array_append_val (values, v);
    }

  return bench_median (values);
}

static void
print_milestones (const char *who,
                  GArray     *runs,
                  double      total_ms,
                  const char *last)
{
  g_print ("  %s, medians:", who);
  for (guint m = 0; m < G_N_ELEMENTS (milestones); m++)
    {
      double ms = median_of (runs, m);

      if (!isnan (ms))
        g_print (" %s %.0f ms,", milestones[m].label, ms);
    }
  g_print (" %s %.0f ms", last, total_ms);
  if (!isnan (median_of (runs, -3)))
    g_print (" (%.0f list rows bound)", median_of (runs, -3));
  g_print ("\n");
}

static gboolean
measure_mode (const BenchOptions  *options,
              Session             *session,
              const char          *app,
              const char          *inbox,
              gboolean             gl,
              GError             **error)
{
  g_autofree char *empty_log = g_build_filename (options->data_dir, "session", "empty-window.log",
                                                 NULL);
  g_autofree char *app_log = g_build_filename (options->data_dir, "session", "frontdesk.log",
                                               NULL);
  g_autofree char *title = NULL;
  g_autoptr(GArray) empty_runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_autoptr(GArray) app_runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_autofree char *figure = NULL;
  g_autofree char *value = NULL;
  g_autofree char *baseline = NULL;
  g_auto(GStrv) env = g_strdupv (session->env);
  char *empty_argv[] = { options->empty_window, NULL };
  char *app_argv[] = { (char *) app, (char *) "--database", (char *) inbox, NULL };
  const char *mode = gl ? "GL" : "no GL";
  double empty_ms, app_ms, empty_mb, app_mb, ratio, extra_mb;
  Run *first_empty, *first_app;

  g_array_set_clear_func (empty_runs, (GDestroyNotify) run_clear);
  g_array_set_clear_func (app_runs, (GDestroyNotify) run_clear);

  if (!gl)
    env = g_environ_setenv (env, "GDK_DEBUG", "gl-disable", TRUE);

  title = g_strdup_printf ("Cold start, %s (%s)", mode,
                           gl ? "default renderer; under Xvfb GL is Mesa's software llvmpipe"
                              : "GDK_DEBUG=gl-disable for both programs");
  bench_section (title, NULL);
  g_print ("  run   empty window            Frontdesk\n");

  /* One untimed run of each: page cache, fontconfig cache, the accessibility bus. */
  for (guint i = 0; i <= options->startup_runs; i++)
    {
      Run empty = { 0 };
      Run shown = { 0 };
      char label[16];

      if (!run_once (empty_argv, env, empty_log, &empty, error) ||
          !run_once (app_argv, env, app_log, &shown, error))
        {
          run_clear (&empty);
          run_clear (&shown);
          return FALSE;
        }

      if (i == 0)
        g_strlcpy (label, "warm", sizeof label);
      else
        g_snprintf (label, sizeof label, "%u", i);
      g_print ("  %-5s %7.0f ms %7.1f MB    %7.0f ms %7.1f MB\n", label, empty.ms, empty.rss_mb,
               shown.ms, shown.rss_mb);
      if (i == 0)
        {
          run_clear (&empty);
          run_clear (&shown);
          continue;
        }

      g_array_append_val (empty_runs, empty);
      g_array_append_val (app_runs, shown);
    }

  first_empty = &g_array_index (empty_runs, Run, 0);
  first_app = &g_array_index (app_runs, Run, 0);
  empty_ms = median_of (empty_runs, -2);
  app_ms = median_of (app_runs, -2);
  empty_mb = median_of (empty_runs, -1);
  app_mb = median_of (app_runs, -1);
  ratio = app_ms / empty_ms;
  extra_mb = app_mb - empty_mb;

  g_print ("  median%7.0f ms %7.1f MB    %7.0f ms %7.1f MB\n", empty_ms, empty_mb, app_ms, app_mb);
  print_milestones ("empty window", empty_runs, empty_ms, "awaited frame");
  print_milestones ("Frontdesk", app_runs, app_ms, "conversations shown");
  g_print ("  renderer: %s (empty window), %s (Frontdesk); %s\n", first_empty->renderer,
           first_app->renderer, first_empty->versions);
  g_print ("  ratio %.2f (goal ≤ 2.0); peak RSS above the empty window %.1f MB (goal ≤ 60 MB)\n",
           ratio, extra_mb);

  if (g_strcmp0 (first_empty->renderer, first_app->renderer) != 0)
    g_print ("  WARNING: the two programs used different renderers: not like for like\n");
  if (gl && g_strcmp0 (first_app->renderer, "GskCairoRenderer") == 0)
    g_print ("  note: GL did not initialise here, so this is the Cairo renderer again\n");

  figure = g_strdup_printf ("cold start, %s (%s)", mode, first_app->renderer);
  value = g_strdup_printf ("%.0f ms", app_ms);
  baseline = g_strdup_printf ("%.0f ms", empty_ms);
  bench_summary_add (figure, value, baseline, NULL, BENCH_GOAL_NONE);

  g_free (figure);
  g_free (value);
  figure = g_strdup_printf ("cold start ratio, %s", mode);
  value = g_strdup_printf ("%.2f", ratio);
  bench_summary_add (figure, value, "1.00", "≤ 2.0",
                     ratio <= 2.0 ? BENCH_GOAL_MET : BENCH_GOAL_MISSED);

  g_free (figure);
  g_free (value);
  g_free (baseline);
  figure = g_strdup_printf ("peak RSS above empty window, %s", mode);
  value = g_strdup_printf ("%.1f MB", extra_mb);
  baseline = g_strdup_printf ("%.1f MB (empty)", empty_mb);
  bench_summary_add (figure, value, baseline, "≤ 60 MB",
                     extra_mb <= 60 ? BENCH_GOAL_MET : BENCH_GOAL_MISSED);

  return TRUE;
}

gboolean
bench_startup (const BenchOptions  *options,
               const char          *inbox,
               GError             **error)
{
  Session session = { { 0, -1 }, { 0, -1 }, NULL };
  const char *app;
  gboolean ret = FALSE;

  bench_section ("Cold start: process start → first frame of the main window showing "
                 "conversations", NULL);

  if (has_hook (options->frontdesk))
    {
      app = options->frontdesk;
      g_print ("  Frontdesk: %s (its built-in " HOOK_ENV " hook)\n", app);
    }
  else
    {
      app = options->probe;
      g_print ("  Frontdesk: %s\n"
               "    (the app's code with the proposed " HOOK_ENV " hook added from outside:\n"
               "    %s has no hook yet, see bench/README.md)\n",
               app, options->frontdesk != NULL ? options->frontdesk : "src/frontdesk");
    }
  g_print ("  empty window: %s (AdwApplicationWindow 900×640, a header bar)\n",
           options->empty_window);
  g_print ("  inbox: %s\n", inbox);
  g_print ("  Xvfb 1280×800×24, no window manager, private session bus, FRONTDESK_NO_SYNC=1 (no "
           "background sync);\n  runs: %u of each, alternating, after one warm-up of each\n",
           options->startup_runs);

  if (!session_start (&session, options, error))
    goto out;

  if (!measure_mode (options, &session, app, inbox, FALSE, error))
    goto out;

  if (options->startup_gl && !measure_mode (options, &session, app, inbox, TRUE, error))
    goto out;

  ret = TRUE;

out:
  session_stop (&session);

  return ret;
}

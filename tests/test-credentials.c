/* test-credentials.c: account secrets in the desktop keyring, and only there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under build-aux/headless-run.sh, which provides a private session bus with a throw-away,
 * unlocked gnome-keyring and private XDG folders. The tests that need that keyring skip
 * themselves elsewhere, so that they never write into a real user's keyring.
 *
 * The failure cases run in subprocesses pointed at buses of their own: one that does not
 * exist, one with no Secret Service on it, and ones whose gnome-keyring is locked, without a
 * prompter, with a password prompt nobody answers, and with one that goes away unanswered.
 * Every daemon they start is stopped by its process id.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "desk-credentials.h"
#include "desk-test-util.h"

/* Our own keyring calls never take this long; a failing case must still return sooner. */
#define QUICK_US (5 * G_USEC_PER_SEC)

/* Where D-Bus finds the session services it can start */
#define DATADIR_DBUS_SERVICES "/usr/share/dbus-1/services"

static char *
new_token (const char *what)
{
  return g_strdup_printf ("fd-%s-%08x%08x-do-not-leak", what, g_random_int (), g_random_int ());
}

static gboolean
have_test_keyring (void)
{
  if (g_getenv ("FRONTDESK_HEADLESS_DIR") == NULL)
    {
      g_test_skip ("needs the throw-away keyring of build-aux/headless-run.sh");
      return FALSE;
    }

  return TRUE;
}

static char *
lookup (gint64      account,
        const char *kind)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = desk_credentials_lookup_sync (account, kind, NULL, &error);
  g_assert_no_error (error);

  return secret;
}

static void
store (gint64      account,
       const char *kind,
       const char *secret)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (desk_credentials_store_sync (account, kind, secret, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
clear (gint64      account,
       const char *kind)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (desk_credentials_clear_sync (account, kind, NULL, &error));
  g_assert_no_error (error);
}

/* Waits for something another process does, for at most 10 s. */
static void
poll_until (gboolean (*predicate) (gpointer),
            gpointer   data)
{
  for (guint i = 0; i < 500; i++)
    {
      if (predicate (data))
        return;
      g_usleep (20 * 1000);
    }

  g_error ("timed out waiting for another process");
}

/* Against the test keyring */

static void
test_store_lookup_overwrite (void)
{
  g_autofree char *first = new_token ("first");
  g_autofree char *rotated = new_token ("rotated");

  if (!have_test_keyring ())
    return;

  store (101, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, first);
  {
    g_auto(DeskSecret) secret = lookup (101, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
    g_assert_cmpstr (secret, ==, first);
  }

  /* A provider rotated the token: the new one replaces the old one, it is not added beside it. */
  store (101, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, rotated);
  {
    g_auto(DeskSecret) secret = lookup (101, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
    g_assert_cmpstr (secret, ==, rotated);
  }
  {
    g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;
    GList *items;

    g_hash_table_insert (attributes, (gpointer) "account", (gpointer) "101");
    items = secret_password_searchv_sync (desk_credentials_get_schema (), attributes,
                                          SECRET_SEARCH_ALL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_length (items), ==, 1);
    g_list_free_full (items, g_object_unref);
  }

  clear (101, NULL);
}

static void
test_accounts_apart (void)
{
  g_autofree char *a_access = new_token ("a-access");
  g_autofree char *a_refresh = new_token ("a-refresh");
  g_autofree char *b_access = new_token ("b-access");

  if (!have_test_keyring ())
    return;

  store (201, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, a_access);
  store (201, DESK_CREDENTIALS_KIND_REFRESH_TOKEN, a_refresh);
  store (202, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, b_access);

  {
    g_auto(DeskSecret) s1 = lookup (201, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
    g_auto(DeskSecret) s2 = lookup (201, DESK_CREDENTIALS_KIND_REFRESH_TOKEN);
    g_auto(DeskSecret) s3 = lookup (202, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
    g_auto(DeskSecret) s4 = lookup (202, DESK_CREDENTIALS_KIND_REFRESH_TOKEN);
    /* "20" is a prefix of "201" and "202": attributes match whole values only. */
    g_auto(DeskSecret) s5 = lookup (20, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);

    g_assert_cmpstr (s1, ==, a_access);
    g_assert_cmpstr (s2, ==, a_refresh);
    g_assert_cmpstr (s3, ==, b_access);
    g_assert_null (s4);
    g_assert_null (s5);
  }

  clear (201, NULL);
  clear (202, NULL);
}

static void
test_clear (void)
{
  g_autofree char *access = new_token ("access");
  g_autofree char *refresh = new_token ("refresh");
  g_autofree char *client = new_token ("client");
  g_autofree char *other = new_token ("other");

  if (!have_test_keyring ())
    return;

  store (301, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, access);
  store (301, DESK_CREDENTIALS_KIND_REFRESH_TOKEN, refresh);
  store (301, DESK_CREDENTIALS_KIND_CLIENT_SECRET, client);
  store (302, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, other);

  /* One kind */
  clear (301, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
  {
    g_auto(DeskSecret) s1 = lookup (301, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
    g_auto(DeskSecret) s2 = lookup (301, DESK_CREDENTIALS_KIND_REFRESH_TOKEN);

    g_assert_null (s1);
    g_assert_cmpstr (s2, ==, refresh);
  }

  /* Every kind of one account, and nothing of the other */
  clear (301, NULL);
  {
    g_auto(DeskSecret) s1 = lookup (301, DESK_CREDENTIALS_KIND_REFRESH_TOKEN);
    g_auto(DeskSecret) s2 = lookup (301, DESK_CREDENTIALS_KIND_CLIENT_SECRET);
    g_auto(DeskSecret) s3 = lookup (302, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);

    g_assert_null (s1);
    g_assert_null (s2);
    g_assert_cmpstr (s3, ==, other);
  }

  /* Nothing left to clear is not an error */
  clear (301, NULL);
  clear (301, DESK_CREDENTIALS_KIND_BOT_TOKEN);
  clear (302, NULL);
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  if (!have_test_keyring ())
    return;

  secret = desk_credentials_lookup_sync (401, DESK_CREDENTIALS_KIND_BOT_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
}

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
async_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  g_assert_null (source_object);
  wait->result = g_object_ref (result);
}

static gboolean
async_finished (gpointer user_data)
{
  AsyncWait *wait = user_data;

  return wait->result != NULL;
}

static GAsyncResult *
wait_for_result (AsyncWait *wait)
{
  desk_test_wait_until (async_finished, wait);

  return g_steal_pointer (&wait->result);
}

static void
test_async (void)
{
  g_autofree char *token = new_token ("async");
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { NULL };

  if (!have_test_keyring ())
    return;

  {
    g_autoptr(GAsyncResult) result = NULL;

    desk_credentials_store_async (501, DESK_CREDENTIALS_KIND_BOT_TOKEN, token, "Test bot",
                                  NULL, async_done_cb, &wait);
    result = wait_for_result (&wait);
    g_assert_true (desk_credentials_store_finish (result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_auto(DeskSecret) secret = NULL;

    desk_credentials_lookup_async (501, DESK_CREDENTIALS_KIND_BOT_TOKEN, NULL,
                                   async_done_cb, &wait);
    result = wait_for_result (&wait);
    secret = desk_credentials_lookup_finish (result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (secret, ==, token);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    desk_credentials_clear_async (501, NULL, NULL, async_done_cb, &wait);
    result = wait_for_result (&wait);
    g_assert_true (desk_credentials_clear_finish (result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_auto(DeskSecret) secret = NULL;

    desk_credentials_lookup_async (501, DESK_CREDENTIALS_KIND_BOT_TOKEN, NULL,
                                   async_done_cb, &wait);
    result = wait_for_result (&wait);
    secret = desk_credentials_lookup_finish (result, &error);
    g_assert_no_error (error);
    g_assert_null (secret);
  }
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  char *secret;

  g_cancellable_cancel (cancellable);

  /* A caller's own cancellation is not a keyring failure to show to the user. */
  g_assert_false (desk_credentials_store_sync (601, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, "x", NULL,
                                               cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  secret = desk_credentials_lookup_sync (601, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, cancellable,
                                         &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (secret);
}

/* No trace outside the keyring */

static gboolean
contains (const char *haystack,
          gsize       length,
          const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (haystack + i, needle, needle_length) == 0)
      return TRUE;

  return FALSE;
}

static void
find_in_tree (const char *path,
              const char *needle,
              GPtrArray  *hits,
              guint      *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;

      if (S_ISDIR (st.st_mode))
        {
          find_in_tree (child, needle, hits, n_files);
        }
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (child, &contents, &length, NULL))
            continue;

          (*n_files)++;
          if (contains (contents, length, needle))
            g_ptr_array_add (hits, g_steal_pointer (&child));
        }
    }
}

static void
assert_nowhere_on_disk (const char *needle)
{
  const char *roots[] = {
    g_getenv ("FRONTDESK_HEADLESS_DIR"),
    g_get_home_dir (),
    g_get_user_data_dir (),
    g_get_user_config_dir (),
    g_get_user_cache_dir (),
    g_get_user_runtime_dir (),
    desk_test_tmp_dir (),
  };
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    if (roots[i] != NULL)
      find_in_tree (roots[i], needle, hits, &n_files);

  for (guint i = 0; i < hits->len; i++)
    g_test_message ("a secret was written in clear to %s", (const char *) g_ptr_array_index (hits, i));
  g_assert_cmpuint (hits->len, ==, 0);
  g_assert_cmpuint (n_files, >, 0);
}

static GBytes *
read_keyrings (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GString *all = g_string_new (NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_str_has_suffix (name, ".keyring") && g_file_get_contents (file, &contents, &length, NULL))
        g_string_append_len (all, contents, length);
    }

  return g_string_free_to_bytes (all);
}

static gboolean
keyrings_changed (gpointer user_data)
{
  g_autoptr(GBytes) now = read_keyrings ();

  return !g_bytes_equal (now, user_data);
}

/* The parent tells its subprocesses what to do through files in the shared test folder:
 * GLib 2.74 cannot give a subprocess its own environment, and setenv() is unsafe once
 * threads run. */
static void
tell_child (const char *key,
            const char *value)
{
  g_autofree char *path = desk_test_tmp_path (key);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, value, -1, &error));
  g_assert_no_error (error);
}

static char *
child_read (const char *key)
{
  g_autofree char *path = desk_test_tmp_path (key);
  g_autoptr(GError) error = NULL;
  char *value = NULL;

  g_assert_true (g_file_get_contents (path, &value, NULL, &error));
  g_assert_no_error (error);

  return value;
}

/* In a subprocess, before anything connects to a bus. */
static void
child_use_bus (const char *address)
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
}

static void
test_no_trace (void)
{
  g_autofree char *token = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  if (g_test_subprocess ())
    {
      /* With every debug message on: none may carry the secret. */
      g_autofree char *secret = child_read ("token");

      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      store (701, DESK_CREDENTIALS_KIND_CLIENT_SECRET, secret);
      {
        g_auto(DeskSecret) found = lookup (701, DESK_CREDENTIALS_KIND_CLIENT_SECRET);
        g_assert_cmpstr (found, ==, secret);
      }
      clear (701, NULL);

      /* A store cut short by the time limit logs why, still without the secret. */
      {
        g_autoptr(GError) error = NULL;

        desk_credentials_set_timeout_ms (1);
        if (!desk_credentials_store_sync (701, DESK_CREDENTIALS_KIND_CLIENT_SECRET, secret, NULL,
                                          NULL, &error))
          g_test_message ("A failed store reports: %s", error->message);
        desk_credentials_set_timeout_ms (0);
      }
      clear (701, NULL);
      return;
    }

  if (!have_test_keyring ())
    return;

  token = new_token ("on-disk");
  before = read_keyrings ();

  store (702, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, token);

  /* The keyring daemon wrote the item to its file, encrypted: the token is not in it in clear,
   * nor in any other file of the session. */
  poll_until (keyrings_changed, before);
  after = read_keyrings ();
  g_assert_cmpuint (g_bytes_get_size (after), >, 0);
  assert_nowhere_on_disk (token);
  {
    g_auto(DeskSecret) found = lookup (702, DESK_CREDENTIALS_KIND_ACCESS_TOKEN);
    g_assert_cmpstr (found, ==, token);
  }
  clear (702, NULL);

  tell_child ("token", token);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, 0);
  tell_child ("token", "");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*desk-credentials-DEBUG*");
  g_test_trap_assert_stdout_unmatched ("*do-not-leak*");
  g_test_trap_assert_stderr_unmatched ("*do-not-leak*");

  assert_nowhere_on_disk (token);
}

/* Failures, each in a subprocess on a bus of its own */

static void
assert_user_words (const GError *error)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
assert_no_service_everywhere (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (desk_credentials_store_sync (801, DESK_CREDENTIALS_KIND_ACCESS_TOKEN,
                                               "never-stored", NULL, NULL, &error));
  g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_NO_SERVICE);
  assert_user_words (error);
  g_assert_nonnull (strstr (error->message, "keyring"));
  g_clear_error (&error);

  secret = desk_credentials_lookup_sync (801, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, NULL, &error);
  g_assert_null (secret);
  g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_NO_SERVICE);
  g_clear_error (&error);

  g_assert_false (desk_credentials_clear_sync (801, NULL, NULL, &error));
  g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_NO_SERVICE);

  g_assert_cmpint (g_get_monotonic_time () - start, <, QUICK_US);
}

/* "nonexistent": the bus address names no socket. "unset": no address at all, and no
 * display to autolaunch a bus on ("Cannot autolaunch D-Bus without X11 $DISPLAY"). */
static void
test_no_bus (gconstpointer data)
{
  const char *how = data;

  if (g_test_subprocess ())
    {
      if (g_str_equal (how, "unset"))
        {
          g_autofree char *runtime = desk_test_tmp_path ("no-bus-runtime");

          g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
          g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
          g_unsetenv ("DISPLAY");
          g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
        }
      else
        {
          child_use_bus ("unix:path=/nonexistent");
        }

      assert_no_service_everywhere ();
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

typedef struct
{
  GSubprocess *process;
  char        *address;
} TestBus;

/* A session bus of our own: nothing can be activated on it unless @service_dir has it. */
static TestBus *
test_bus_start (const char *dir,
                const char *service_dir)
{
  g_autofree char *config_path = g_build_filename (dir, "bus.conf", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "bus", NULL);
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  TestBus *bus = g_new0 (TestBus, 1);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  config = g_markup_printf_escaped (
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>session</type>\n"
    "  <listen>unix:path=%s</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <servicedir>%s</servicedir>\n"
    "  <policy context=\"default\">\n"
    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
    "    <allow eavesdrop=\"true\"/>\n"
    "    <allow own=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n",
    socket_path, service_dir != NULL ? service_dir : dir);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  g_assert_no_error (error);

  /* The bus passes its environment (DISPLAY) on to what it activates. */
  config_arg = g_strconcat ("--config-file=", config_path, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  bus->process = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", config_arg,
                                              "--nofork", "--print-address=1", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus->process));
  bus->address = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bus->address);
  g_test_message ("private bus at %s", bus->address);

  return bus;
}

static void
stop_process (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}

static void
test_bus_stop (TestBus *bus)
{
  stop_process (bus->process);
  g_clear_object (&bus->process);
  g_free (bus->address);
  g_free (bus);
}

static gboolean
have_programs (const char * const *programs)
{
  for (guint i = 0; programs[i] != NULL; i++)
    {
      g_autofree char *path = g_find_program_in_path (programs[i]);

      if (path == NULL)
        {
          g_autofree char *message = g_strdup_printf ("needs %s", programs[i]);
          g_test_skip (message);
          return FALSE;
        }
    }

  return TRUE;
}

static void
test_no_secret_service (void)
{
  const char *programs[] = { "dbus-daemon", NULL };
  g_autofree char *dir = NULL;
  TestBus *bus;

  if (g_test_subprocess ())
    {
      g_autofree char *address = child_read ("bus-address");

      child_use_bus (address);
      assert_no_service_everywhere ();
      return;
    }

  if (!have_programs (programs))
    return;

  dir = desk_test_tmp_path ("bus-without-keyring");
  bus = test_bus_start (dir, NULL);
  tell_child ("bus-address", bus->address);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  test_bus_stop (bus);
  g_test_trap_assert_passed ();
}

/* A locked keyring: a login keyring with one item in it, made while unlocked by its password,
 * then the same keyring after a restart of its daemon without that password. */

typedef struct
{
  char        *home;
  TestBus     *bus;
  GSubprocess *keyring;
} LockedKeyring;

static GSubprocess *
keyring_start (LockedKeyring *self,
               gboolean       unlock)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) keyring = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_build_filename (self->home, "data", NULL);
  g_autofree char *config = g_build_filename (self->home, "config", NULL);
  g_autofree char *cache = g_build_filename (self->home, "cache", NULL);
  g_autofree char *runtime = g_build_filename (self->home, "runtime", NULL);
  g_autofree char *log = g_build_filename (self->home, unlock ? "keyring-unlocked.log"
                                                              : "keyring-locked.log", NULL);
  gboolean owned = FALSE;

  launcher = g_subprocess_launcher_new ((unlock ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", self->bus->address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", self->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "GNOME_KEYRING_CONTROL");

  if (unlock)
    keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                           "--unlock", "--components=secrets", NULL);
  else
    keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                           "--components=secrets", NULL);
  g_assert_no_error (error);

  if (unlock)
    {
      GOutputStream *in = g_subprocess_get_stdin_pipe (keyring);

      g_assert_true (g_output_stream_write_all (in, "locked-test", strlen ("locked-test"),
                                                NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_output_stream_close (in, NULL, &error));
      g_assert_no_error (error);
    }

  connection = g_dbus_connection_new_for_address_sync (self->bus->address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 200 && !owned; i++)
    {
      g_autoptr(GVariant) reply = NULL;

      reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                           "NameHasOwner",
                                           g_variant_new ("(s)", "org.freedesktop.secrets"),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(b)", &owned);
      if (!owned)
        g_usleep (50 * 1000);
    }
  g_assert_true (owned);

  return g_steal_pointer (&keyring);
}

static gboolean
file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

static void
child_fill_keyring (void)
{
  g_autofree char *address = child_read ("bus-address");

  child_use_bus (address);
  store (901, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, "kept-while-unlocked");
}

/* Runs the test's subprocess once with phase "fill"; the caller's phase is next. */
static LockedKeyring *
locked_keyring_start (const char *name,
                      const char *service_dir)
{
  const char *subdirs[] = { "data", "config", "cache", "runtime" };
  g_autofree char *bus_dir = NULL;
  g_autofree char *keyring_file = NULL;
  LockedKeyring *self = g_new0 (LockedKeyring, 1);

  self->home = desk_test_tmp_path (name);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir = g_build_filename (self->home, subdirs[i], NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    }
  keyring_file = g_build_filename (self->home, "data", "keyrings", "login.keyring", NULL);
  bus_dir = g_build_filename (self->home, "bus", NULL);

  self->bus = test_bus_start (bus_dir, service_dir);
  tell_child ("bus-address", self->bus->address);

  self->keyring = keyring_start (self, TRUE);
  poll_until (file_exists, keyring_file);
  tell_child ("phase", "fill");
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  stop_process (self->keyring);
  g_clear_object (&self->keyring);

  self->keyring = keyring_start (self, FALSE);

  return self;
}

static void
locked_keyring_stop (LockedKeyring *self)
{
  stop_process (self->keyring);
  g_clear_object (&self->keyring);
  test_bus_stop (self->bus);
  g_free (self->home);
  g_free (self);
}

static void
test_locked (void)
{
  const char *programs[] = { "dbus-daemon", "gnome-keyring-daemon", NULL };
  LockedKeyring *keyring;

  if (g_test_subprocess ())
    {
      g_autofree char *phase = child_read ("phase");
      g_autofree char *address = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;
      char *secret;

      if (g_strcmp0 (phase, "fill") == 0)
        {
          child_fill_keyring ();
          return;
        }

      address = child_read ("bus-address");
      child_use_bus (address);
      desk_credentials_set_timeout_ms (3000);
      start = g_get_monotonic_time ();

      /* The keyring cannot ask for its password here (no prompter can start on this bus), so
       * it stays locked: every call says so, and none pretends that nothing is stored. */
      g_assert_false (desk_credentials_store_sync (901, DESK_CREDENTIALS_KIND_REFRESH_TOKEN,
                                                   "never-stored", NULL, NULL, &error));
      g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_LOCKED);
      assert_user_words (error);
      g_clear_error (&error);

      secret = desk_credentials_lookup_sync (901, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, NULL, &error);
      g_assert_null (secret);
      g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_LOCKED);
      g_clear_error (&error);

      g_assert_false (desk_credentials_clear_sync (901, NULL, NULL, &error));
      g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_LOCKED);

      /* None of them waited for the time limit. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
      return;
    }

  if (!have_programs (programs))
    return;

  keyring = locked_keyring_start ("locked", NULL);
  tell_child ("phase", "locked");
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  locked_keyring_stop (keyring);
  g_test_trap_assert_passed ();
}

/* libsecret logs these when a prompt is dismissed (see desk-credentials.c), and then never
 * finishes the operation; desk-credentials copes with that, so they must not end the test. */
static gboolean
tolerate_libsecret_prompt_bug (const char     *log_domain,
                               GLogLevelFlags  log_level,
                               const char     *message,
                               gpointer        user_data)
{
  if (g_strcmp0 (log_domain, "GLib-GIO") == 0 &&
      (strstr (message, "g_task_return_error: assertion 'error != NULL' failed") != NULL ||
       strstr (message, "secret_service_real_prompt_async") != NULL))
    return FALSE;

  return TRUE;
}

/* The same locked keyring, with gcr's prompter, which shows the keyring's password dialog on
 * the display. "unanswered": nobody answers it; without the time limit, every call would
 * hang. "dismissed": the dialog goes away without a password, as when the user cancels it
 * (here: its process ends); libsecret never reports that, desk-credentials must. */

static const char *prompter_name = "org.gnome.keyring.SystemPrompter";

typedef struct
{
  char    *bus_address;
  GThread *thread;
  gboolean dismissed;
} Dismisser;

/* Ends the prompter's process once its dialog has been up for a moment: it was started by the
 * test's own bus, and is found by its exact process id. */
static gpointer
dismiss_in_thread (gpointer user_data)
{
  Dismisser *self = user_data;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;
  guint32 pid;

  connection = g_dbus_connection_new_for_address_sync (self->bus_address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 500 && !owned; i++)
    {
      g_autoptr(GVariant) has_owner = NULL;

      has_owner = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                               "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                               "NameHasOwner", g_variant_new ("(s)", prompter_name),
                                               G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                               NULL, &error);
      g_assert_no_error (error);
      g_variant_get (has_owner, "(b)", &owned);
      if (!owned)
        g_usleep (20 * 1000);
    }
  if (!owned)
    return NULL;

  g_usleep (500 * 1000);
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", prompter_name),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  g_assert_cmpuint (pid, >, 1);
  g_assert_cmpint (kill ((pid_t) pid, SIGTERM), ==, 0);
  self->dismissed = TRUE;

  return NULL;
}

static gpointer
cancel_later (gpointer user_data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (user_data);

  return NULL;
}

static void
child_prompt (const char *how)
{
  g_autofree char *address = child_read ("bus-address");
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;
  char *secret;

  child_use_bus (address);
  g_test_log_set_fatal_handler (tolerate_libsecret_prompt_bug, NULL);

  if (g_str_equal (how, "dismissed"))
    {
      /* Told within a moment, not when the time limit is up. */
      desk_credentials_set_timeout_ms (20000);
      start = g_get_monotonic_time ();
      g_assert_false (desk_credentials_store_sync (901, DESK_CREDENTIALS_KIND_REFRESH_TOKEN,
                                                   "never-stored", NULL, NULL, &error));
      elapsed = g_get_monotonic_time () - start;
      g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_LOCKED);
      assert_user_words (error);
      g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
      return;
    }

  g_assert_cmpstr (how, ==, "unanswered");
  desk_credentials_set_timeout_ms (1000);

  start = g_get_monotonic_time ();
  g_assert_false (desk_credentials_store_sync (901, DESK_CREDENTIALS_KIND_REFRESH_TOKEN,
                                               "never-stored", NULL, NULL, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_TIMED_OUT);
  assert_user_words (error);
  g_clear_error (&error);
  g_assert_cmpint (elapsed, >=, 1000 * 1000);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);

  /* The prompt the store left up is still unanswered: the next call is bounded too. */
  start = g_get_monotonic_time ();
  secret = desk_credentials_lookup_sync (901, DESK_CREDENTIALS_KIND_ACCESS_TOKEN, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_null (secret);
  g_assert_error (error, DESK_CREDENTIALS_ERROR, DESK_CREDENTIALS_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);

  /* A caller that gives up while the prompt is up (from another thread) is let go at once. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    GThread *canceller;

    desk_credentials_set_timeout_ms (20000);
    canceller = g_thread_new ("canceller", cancel_later, cancellable);
    start = g_get_monotonic_time ();
    g_assert_false (desk_credentials_store_sync (901, DESK_CREDENTIALS_KIND_REFRESH_TOKEN,
                                                 "never-stored", NULL, cancellable, &error));
    elapsed = g_get_monotonic_time () - start;
    g_thread_join (canceller);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  }
}

static void
test_prompt (gconstpointer data)
{
  const char *how = data;
  const char *programs[] = { "dbus-daemon", "gnome-keyring-daemon", NULL };
  g_autofree char *service_name = g_strconcat (prompter_name, ".service", NULL);
  g_autofree char *system_service = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *service_dir = NULL;
  g_autofree char *service_file = NULL;
  g_autofree char *home = NULL;
  LockedKeyring *keyring;
  Dismisser dismisser = { NULL };

  if (g_test_subprocess ())
    {
      g_autofree char *phase = child_read ("phase");

      if (g_str_equal (phase, "fill"))
        child_fill_keyring ();
      else
        child_prompt (how);
      return;
    }

  if (!have_programs (programs))
    return;

  system_service = g_build_filename (DATADIR_DBUS_SERVICES, service_name, NULL);
  if (g_getenv ("DISPLAY") == NULL ||
      !g_file_get_contents (system_service, &contents, NULL, NULL))
    {
      g_test_skip ("needs a display and gcr's prompter");
      return;
    }

  /* Only the prompter can be started on this bus. */
  service_dir = desk_test_tmp_path ("prompter-services");
  service_file = g_build_filename (service_dir, service_name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (service_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (service_file, contents, -1, NULL));

  home = g_strconcat ("locked-", how, NULL);
  keyring = locked_keyring_start (home, service_dir);
  tell_child ("phase", how);

  if (g_str_equal (how, "dismissed"))
    {
      dismisser.bus_address = keyring->bus->address;
      dismisser.thread = g_thread_new ("dismisser", dismiss_in_thread, &dismisser);
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

  if (dismisser.thread != NULL)
    g_thread_join (dismisser.thread);

  /* A prompter still running leaves with the bus. */
  locked_keyring_stop (keyring);
  g_test_trap_assert_passed ();
  if (g_str_equal (how, "dismissed"))
    g_assert_true (dismisser.dismissed);
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add_func ("/credentials/store-lookup-overwrite", test_store_lookup_overwrite);
  g_test_add_func ("/credentials/accounts-apart", test_accounts_apart);
  g_test_add_func ("/credentials/clear", test_clear);
  g_test_add_func ("/credentials/missing", test_missing);
  g_test_add_func ("/credentials/async", test_async);
  g_test_add_func ("/credentials/cancelled", test_cancelled);
  g_test_add_func ("/credentials/no-trace", test_no_trace);
  g_test_add_data_func ("/credentials/error/no-bus", "nonexistent", test_no_bus);
  g_test_add_data_func ("/credentials/error/no-bus-at-all", "unset", test_no_bus);
  g_test_add_func ("/credentials/error/no-secret-service", test_no_secret_service);
  g_test_add_func ("/credentials/error/locked", test_locked);
  g_test_add_data_func ("/credentials/error/prompt-unanswered", "unanswered", test_prompt);
  g_test_add_data_func ("/credentials/error/prompt-dismissed", "dismissed", test_prompt);

  return g_test_run ();
}

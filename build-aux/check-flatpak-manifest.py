#!/usr/bin/env python3
"""Checks the Flatpak manifests in build-aux/flatpak/ against this source tree.

For each manifest:
  * its app id is the id of the desktop file that meson installs for the manifest's build
    profile (the profile comes from the manifest's own config-opts, so the Devel manifest is
    checked against a development configuration);
  * it uses the GNOME runtime and SDK, version 47 or newer;
  * its finish-args stay within ALLOWED_FINISH_ARGS: widening the sandbox must be a decision
    made in this file, with its reason, not a line slipped into a manifest;
  * its "frontdesk" module builds this very source tree (a "dir" source) with meson;
  * flatpak-builder, when installed, loads it without a warning.

Usage: check-flatpak-manifest.py --source-root DIR [--build-root DIR] [--meson PATH] MANIFEST...
Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# What the app needs, and why. Anything else fails the check.
ALLOWED_FINISH_ARGS = {
    '--share=network': 'talks to the Mastodon, Bluesky, Telegram and X APIs',
    '--share=ipc': 'X11 shared memory, needed with fallback-x11',
    '--socket=wayland': 'shows its window',
    '--socket=fallback-x11': 'shows its window on X11 sessions only',
    '--device=dri': 'GPU rendering in GTK 4',
    '--talk-name=org.freedesktop.secrets': 'account credentials live in the user\'s keyring',
}
# Notifications go through the GNotification portal, files through the file chooser portal:
# neither needs a hole in the sandbox.

RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'
MIN_RUNTIME_VERSION = 47
MODULE = 'frontdesk'


class Checker:
    def __init__(self, name):
        self.name = name
        self.failures = []

    def fail(self, message):
        self.failures.append(message)
        print('FAIL: %s: %s' % (self.name, message))

    def ok(self, message):
        print('ok: %s: %s' % (self.name, message))


def profile_of(config_opts):
    """The value of -Dprofile= in a list of meson options, or meson's default."""
    profile = 'default'
    for opt in config_opts:
        m = re.fullmatch(r'-D\s*profile=(.*)', opt) or re.fullmatch(r'--profile=(.*)', opt)
        if m:
            profile = m.group(1)
    return profile


def read_json(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def build_profile(build_root):
    """The profile option of an existing meson build directory."""
    for opt in read_json(os.path.join(build_root, 'meson-info', 'intro-buildoptions.json')):
        if opt.get('name') == 'profile':
            return opt.get('value')
    return None


def installed_ids(build_root):
    """(desktop file ids, binaries) that a configured build directory installs."""
    installed = read_json(os.path.join(build_root, 'meson-info', 'intro-installed.json'))
    desktop_ids = []
    binaries = []
    for destination in installed.values():
        parent = os.path.basename(os.path.dirname(destination))
        base = os.path.basename(destination)
        if parent == 'applications' and base.endswith('.desktop'):
            desktop_ids.append(base[:-len('.desktop')])
        elif parent == 'bin':
            binaries.append(base)
    return sorted(desktop_ids), sorted(binaries)


def configure(meson, source_root, config_opts, workdir, check):
    """Configures source_root with the manifest's config-opts, as flatpak-builder would."""
    build_root = os.path.join(workdir, 'build')
    cmd = [meson, 'setup', '--prefix=/app'] + list(config_opts) + [build_root, source_root]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if proc.returncode != 0:
        check.fail('meson setup with the manifest\'s config-opts failed:\n  %s\n%s'
                   % (' '.join(cmd), proc.stdout))
        return None
    return build_root


def check_manifest(path, args):
    name = os.path.relpath(path, args.source_root)
    check = Checker(name)
    try:
        manifest = read_json(path)
    except (OSError, ValueError) as e:
        check.fail('cannot be read as JSON: %s' % e)
        return check

    app_id = manifest.get('id', manifest.get('app-id'))
    if not app_id:
        check.fail('has no "id"')
    elif os.path.basename(path) != app_id + '.json':
        check.fail('is named %s but its id is %s' % (os.path.basename(path), app_id))

    # Runtime.
    if manifest.get('runtime') != RUNTIME:
        check.fail('runtime is %r, not %r' % (manifest.get('runtime'), RUNTIME))
    if manifest.get('sdk') != SDK:
        check.fail('sdk is %r, not %r' % (manifest.get('sdk'), SDK))
    version = str(manifest.get('runtime-version', ''))
    if not re.fullmatch(r'\d+(\.\d+)?', version):
        check.fail('runtime-version %r is not a release number (%d or newer)'
                   % (version, MIN_RUNTIME_VERSION))
    elif float(version) < MIN_RUNTIME_VERSION:
        check.fail('runtime-version %s is older than %d' % (version, MIN_RUNTIME_VERSION))
    else:
        check.ok('runtime %s//%s, sdk %s' % (RUNTIME, version, SDK))

    # Sandbox.
    finish_args = manifest.get('finish-args', [])
    extra = [a for a in finish_args if a not in ALLOWED_FINISH_ARGS]
    for arg in extra:
        check.fail('finish-args has %s, which is not allowed: the app does not need it, '
                   'or its reason belongs in ALLOWED_FINISH_ARGS in %s'
                   % (arg, os.path.relpath(__file__, args.source_root)))
    if len(set(finish_args)) != len(finish_args):
        check.fail('finish-args repeats an entry')
    if not extra:
        check.ok('finish-args within the allow-list: %s' % ' '.join(finish_args))

    # The module that builds this tree.
    modules = [m for m in manifest.get('modules', [])
               if isinstance(m, dict) and m.get('name') == MODULE]
    config_opts = []
    if len(modules) != 1:
        check.fail('has %d modules named %r, not one' % (len(modules), MODULE))
    else:
        module = modules[0]
        config_opts = module.get('config-opts', [])
        if manifest.get('modules', [])[-1] is not module:
            check.fail('the %r module is not the last one, so the app is not built last' % MODULE)
        meson_ok = module.get('buildsystem') == 'meson'
        if not meson_ok:
            check.fail('the %r module builds with %r, not meson'
                       % (MODULE, module.get('buildsystem')))
        dirs = [s for s in module.get('sources', [])
                if isinstance(s, dict) and s.get('type') == 'dir']
        here = os.path.realpath(args.source_root)
        if len(dirs) != 1 or len(module.get('sources', [])) != 1:
            check.fail('the %r module should have exactly one source, of type "dir"' % MODULE)
        else:
            target = os.path.realpath(os.path.join(os.path.dirname(path), dirs[0].get('path', '')))
            if target != here:
                check.fail('the %r module builds %s, not this source tree %s'
                           % (MODULE, target, here))
            elif meson_ok:
                check.ok('module %r builds this tree with meson' % MODULE)
        if '-Dtests=false' not in config_opts:
            check.fail('the %r module should pass -Dtests=false' % MODULE)

    if manifest.get('command') != MODULE:
        check.fail('command is %r, not %r' % (manifest.get('command'), MODULE))

    # The app id against what meson builds for this manifest's profile.
    profile = profile_of(config_opts)
    with tempfile.TemporaryDirectory(prefix='frontdesk-flatpak-check-') as workdir:
        build_root = None
        if args.build_root and build_profile(args.build_root) == profile:
            build_root = args.build_root
        elif args.meson:
            build_root = configure(args.meson, args.source_root, config_opts, workdir, check)
        else:
            check.fail('no meson to configure the %r profile with' % profile)
        if build_root is not None:
            desktop_ids, binaries = installed_ids(build_root)
            if desktop_ids != [app_id]:
                check.fail('id is %s, but meson with profile %r installs the desktop file(s) %s'
                           % (app_id, profile, ', '.join(i + '.desktop' for i in desktop_ids)
                              or 'none'))
            else:
                check.ok('id %s is the desktop file id meson builds for profile %r'
                         % (app_id, profile))
            if manifest.get('command') not in binaries:
                check.fail('command %r is not a program meson installs (%s)'
                           % (manifest.get('command'), ', '.join(binaries) or 'none'))

    # flatpak-builder's own reading of the manifest.
    flatpak_builder = shutil.which('flatpak-builder')
    if flatpak_builder is None:
        print('skip: %s: flatpak-builder is not installed, --show-manifest not run' % name)
    else:
        env = dict(os.environ, G_DEBUG='fatal-warnings')
        # It makes a .flatpak-builder state folder in its working directory: use a throw-away one.
        with tempfile.TemporaryDirectory(prefix='frontdesk-flatpak-builder-') as workdir:
            proc = subprocess.run([flatpak_builder, '--show-manifest', path], env=env, cwd=workdir,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True)
        if proc.returncode != 0 or proc.stderr.strip():
            check.fail('flatpak-builder --show-manifest failed (%d):\n%s'
                       % (proc.returncode, proc.stderr))
        else:
            check.ok('flatpak-builder --show-manifest loads it without a warning')

    return check


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--source-root', required=True,
                        help='the top of the source tree (where meson.build is)')
    parser.add_argument('--build-root',
                        help='a configured build directory to take the app id from when its '
                             'profile is the manifest\'s')
    parser.add_argument('--meson', default=shutil.which('meson'),
                        help='meson, to configure the profiles no build directory has')
    parser.add_argument('manifests', nargs='+')
    args = parser.parse_args()

    failed = [c for c in (check_manifest(os.path.abspath(m), args) for m in args.manifests)
              if c.failures]
    print('%d manifests checked, %d failed' % (len(args.manifests), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

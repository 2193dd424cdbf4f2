#!/bin/sh
# install-deps.sh - install the Debian 12 packages the help desk needs.
#
#   scripts/install-deps.sh          build dependencies only
#   scripts/install-deps.sh --test   plus the real peers the e2e tests run
#                                    (Postfix, Dovecot, clamd, an SMTP sink,
#                                    Chromium) and the browser test harness
#
# Idempotent and quiet: packages already installed are found with
# dpkg-query, and apt-get (update + install) runs only when something is
# missing.  Must run as root on a fresh system (nothing assumed, not even a
# compiler).  No service is enabled or started: the tests start private
# instances on loopback.
set -eu

TEST=0
for a in "$@"; do
    case "$a" in
    --test) TEST=1 ;;
    -h | --help)
        sed -n '2,12p' "$0"
        exit 0
        ;;
    *)
        echo "install-deps.sh: unknown option $a" >&2
        exit 2
        ;;
    esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")

# libsasl2-modules is only a Recommends of libsasl2-2, but mailsmtp_auth
# cannot log in without its PLAIN/LOGIN plugins.  build-essential pulls in
# libdpkg-perl, whose no-pie specs file libetpan's .pc refers to.
BUILD_PKGS="build-essential cmake pkg-config
  libetpan-dev libsasl2-modules libmicrohttpd-dev libsqlite3-dev libxml2-dev
  libssl-dev libjansson-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libmagic-dev libargon2-dev libunistring-dev libuchardet-dev libcmocka-dev
  libqrencode-dev zlib1g-dev clang tzdata ca-certificates libpq-dev"

# clamav-daemon hard-depends on clamav-freshclam; it is installed but never
# started (the tests use an offline EICAR-only database).  swaks needs
# libnet-ssleay-perl (only a Recommends) for --tls.  nginx is the reverse
# proxy of tests/e2e/proxy.test.sh (a private instance in its directory).
# debhelper and lintian build and check the Debian package
# (scripts/test-package.sh); groff renders the man pages' test.
# fonts-ipafont-gothic: Japanese glyphs for Chromium's screenshots.
# postgresql-15: the second store's tests start private servers from its
# binaries (tests/lib/pg.sh); its system service is not used.
TEST_PKGS="sqlite3 openssl curl libxml2-utils swaks libnet-ssleay-perl postfix
  dovecot-imapd dovecot-pop3d python3-aiosmtpd clamav-daemon clamav
  chromium nginx debhelper lintian groff-base man-db spamassassin spamc
  fonts-ipafont-gothic postgresql-15 postgresql-client-15"

missing() {
    for p in "$@"; do
        st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        case "$st" in
        ii*) ;;
        *) printf '%s\n' "$p" ;;
        esac
    done
}

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps.sh: missing packages: $*" >&2
        echo "install-deps.sh: run as root to install them" >&2
        exit 1
    fi
}

# shellcheck disable=SC2086
want=$BUILD_PKGS
if [ "$TEST" = 1 ]; then
    want="$want $TEST_PKGS"
    # A node that already works (e.g. from another source) is kept; the
    # Debian packages would conflict with it.
    if ! node --version >/dev/null 2>&1 || ! npm --version >/dev/null 2>&1
    then
        want="$want nodejs npm"
    fi
fi

# shellcheck disable=SC2086
todo=$(missing $want | tr '\n' ' ')
if [ -n "$todo" ]; then
    need_root $todo
    echo "install-deps.sh: installing $todo"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix asks for a mail setup during install; "No configuration"
    # leaves /etc/postfix/main.cf absent and the system instance unused.
    case " $todo " in
    *" postfix "*)
        echo "postfix postfix/main_mailer_type select No configuration" |
            debconf-set-selections
        ;;
    esac
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $todo >/dev/null
    # nginx's package enables and starts the system instance on port 80;
    # the tests need none of it.
    case " $todo " in
    *" nginx "*) systemctl disable --now nginx.service >/dev/null 2>&1 || true ;;
    esac
fi

if [ "$TEST" = 1 ]; then
    # The browser harness: playwright-core drives the system Chromium (no
    # browser download), axe-core checks accessibility.
    BR="$ROOT/tests/browser"
    if [ ! -d "$BR/node_modules/playwright-core" ] ||
        [ ! -d "$BR/node_modules/axe-core" ] ||
        [ "$BR/package-lock.json" -nt "$BR/node_modules/.package-lock.json" ]
    then
        echo "install-deps.sh: npm ci in tests/browser"
        (cd "$BR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
fi

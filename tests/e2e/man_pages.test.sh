#!/usr/bin/env bash
# man_pages.test.sh - the manual pages and the bash completion cover the
# programs: every key of helpdesk/base/config_keys.h with its default in
# helpdesk.conf(5), every command each program lists (--help=list) with
# every option its --help shows in its page, groff renders each page
# without a warning, and the completion offers commands, subcommands and
# options.
. "$HD_SRC/tests/e2e/lib.sh"
M=$HD_BIN/man
for page in helpdesk.8 helpdesk-mailgw.8 helpdesk-web.8 helpdesk.conf.5; do
    [ -s "$M/$page" ] || fail "$page built"
    warn=$(groff -man -ww -z "$M/$page" 2>&1)
    assert_eq "" "$warn" "$page renders without warnings"
done

# Every configuration key, its default and its meaning.
python3 - "$HD_SRC/helpdesk/base/config_keys.h" "$M/helpdesk.conf.5" <<'PY' || fail "helpdesk.conf.5 covers config_keys.h"
import re, sys
src = open(sys.argv[1]).read().replace("\\\n", "\n")
src = src[src.index("#define HD_CONFIG_KEYS(X)"):]
S = r'(?:"(?:[^"\\]|\\.)*"\s*)+'
def cat(strs):
    return "".join(x.replace('\\"', '"').replace("\\\\", "\\")
                   for x in re.findall(r'"((?:[^"\\]|\\.)*)"', strs))
page = open(sys.argv[2]).read()
keys = re.findall(r'X\(\s*\w+,\s*"([^"]+)",\s*(' + S + r'),\s*(' + S + r')\)', src)
assert len(keys) > 50, f"parsed only {len(keys)} keys"
missing = []
for name, d, h in keys:
    d, h = cat(d), cat(h)
    want = f".B {name}\n{h}.\n.br\nDefault: " + (f"\\fI{d}\\fR" if d else "(empty)")
    if want not in page:
        missing.append(name)
if missing:
    sys.exit(f"missing or wrong in helpdesk.conf.5: {missing}")
print(f"ok - {len(keys)} keys with default and meaning")
PY

# Every command and its options.
cover() { # program page
    local prog=$1 page=$M/$2 n=0 cmd opt
    while IFS= read -r cmd; do
        local sect
        if [ -n "$cmd" ]; then
            grep -q "^\.SS \"$cmd[ \"]" "$page" || fail "$2 has no section for '$cmd'"
            sect=$(awk -v c=".SS \"$cmd" 'index($0, c) == 1 && (substr($0, length(c) + 1, 1) ~ /[ "]/) {on=1; next} /^\.S[SH]/ {on=0} on' "$page")
        else
            sect=$(cat "$page")
        fi
        # shellcheck disable=SC2086
        for opt in $("$prog" $cmd --help | sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' | grep -vx -- --json); do
            grep -qF "${opt//-/\\-}" <<<"$sect" || fail "$2: '$cmd' lacks $opt"
        done
        n=$((n + 1))
    done < <("$prog" --help=list)
    pass "$2: $n commands with their options"
}
cover "$HD" helpdesk.8
cover "$HD_BIN/mailgw/helpdesk-mailgw-core" helpdesk-mailgw.8
cover "$WEB" helpdesk-web.8

# Completion: COMPREPLY for a command line typed so far.
complete_words() { # completion-file word...
    (
        complete() { :; }
        # shellcheck disable=SC1090
        . "$1"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        "_${1//-/_}"
        echo "${COMPREPLY[*]}"
    )
}
C=$M/completion
assert_eq "queue" "$(complete_words "$C/helpdesk" helpdesk que)" "helpdesk que<TAB>"
assert_eq "add" "$(complete_words "$C/helpdesk" helpdesk queue a)" "helpdesk queue a<TAB>"
assert_eq "--address" "$(complete_words "$C/helpdesk" helpdesk --data /x queue add x --ad)" "queue add --ad<TAB>"
assert_eq "--status" "$(complete_words "$C/helpdesk" helpdesk ticket list --limit 5 --st)" "ticket list --st<TAB>"
assert_eq "--all" "$(complete_words "$C/helpdesk" helpdesk backup verify --a)" "backup verify --a<TAB>"
assert_eq "dev test prod" "$(complete_words "$C/helpdesk" helpdesk --profile '')" "--profile <TAB>"
assert_eq "--password-file" "$(complete_words "$C/helpdesk-mailgw" helpdesk-mailgw fetch --pa)" "mailgw fetch --pa<TAB>"
assert_eq "--listen" "$(complete_words "$C/helpdesk-web" helpdesk-web --li)" "web --li<TAB>"

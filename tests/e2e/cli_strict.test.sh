#!/usr/bin/env bash
# cli_strict.test.sh - every command of the three programs refuses what it
# does not declare.  The commands are enumerated from each program's own
# table (--help=list), their options from their own --help; each gets a
# misspelt option, an unknown one and a valued option without its value,
# and must exit 64 with its usage, leaving the instance byte for byte as
# it was.  Also the defaults an operator expects: `backup verify` checks
# the newest generation, `--all` every one; the calendar's is-open and
# next-open ask about now.
. "$HD_SRC/tests/e2e/lib.sh"
D=$T/d
export HELPDESK_NOW=2026-12-07T10:00:00+09:00
"$HD" --data "$D" --profile test init >/dev/null
"$HD" --data "$D" queue add support --address support@example.org >/dev/null
"$HD" --data "$D" backup run >/dev/null

# The instance as bytes: a dump of the database and every other file.
state() {
    sql "$D" .dump | sha256sum
    (cd "$D" && find . -type f ! -name 'helpdesk.db*' -print0 | sort -z |
        xargs -0 sha256sum)
    ls -la "$D" | awk '{print $1, $NF}'
}
before=$(state)

# The issue's own examples.
assert_status 64 "init --store foo --bogus refused" \
    "$HD" --data "$T/new" init --store foo --bogus
[ ! -e "$T/new" ] || fail "a refused init created nothing"
pass "a refused init created nothing"
assert_status 64 "queue add --adress refused" \
    "$HD" --data "$D" queue add x --adress x@y
assert_contains "$(cat "$T/last.err")" "did you mean --address?" "queue add suggests --address"
assert_contains "$(cat "$T/last.err")" "usage: helpdesk queue add NAME" "queue add prints its usage"
assert_status 64 "ticket list --staus refused" "$HD" --data "$D" ticket list --staus open
assert_contains "$(cat "$T/last.err")" "did you mean --status?" "ticket list suggests --status"
assert_status 64 "a misspelt global option refused" "$HD" --dat "$D" queue list
assert_contains "$(cat "$T/last.err")" "did you mean --data?" "the global option suggested"
assert_status 64 "a misspelt command refused" "$HD" --data "$D" qeueu list
assert_contains "$(cat "$T/last.err")" "did you mean queue?" "the command suggested"
assert_status 64 "a misspelt subcommand refused" "$HD" --data "$D" queue ad x
assert_contains "$(cat "$T/last.err")" "did you mean add?" "the subcommand suggested"
assert_status 64 "a flag given a value refused" "$HD" --data "$D" worker --once=yes

# walk PROGRAM GLOBALS...: every command of PROGRAM.
walk() {
    local prog=$1 name=${1##*/} n=0
    name=${name%-core}
    shift
    local cmds
    cmds=$("$prog" --help=list)
    [ "$(wc -l <<<"$cmds")" -ge 1 ] || fail "$name lists its commands"
    while IFS= read -r cmd; do
        # shellcheck disable=SC2206
        local words=($cmd)
        assert_status 0 "$name $cmd --help" timeout 20 "$prog" "$@" "${words[@]}" --help
        local help opts valued first
        help=$(cat "$T/last.out")
        assert_contains "$help" "usage: $name${cmd:+ $cmd}" "$name $cmd --help shows its usage"
        opts=$(sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' <<<"$help" | grep -vx -- --json || true)
        valued=$(sed -n 's/^  \(--[a-z0-9-]*\) [^ ].*/\1/p' <<<"$help" | head -1)
        assert_status 64 "$name $cmd --no-such-option refused" \
            timeout 20 "$prog" "$@" "${words[@]}" --no-such-option
        assert_contains "$(cat "$T/last.err")" "usage: $name" "$name $cmd: usage on refusal"
        first=$(head -1 <<<"$opts")
        if [ -n "$first" ]; then
            # Misspelt: the first option with a letter doubled.
            local typo=${first:0:4}${first:3}
            assert_status 64 "$name $cmd $typo refused" \
                timeout 20 "$prog" "$@" "${words[@]}" "$typo" x
            assert_contains "$(cat "$T/last.err")" "did you mean $first?" "$name $cmd: suggests $first"
        fi
        if [ -n "$valued" ]; then
            assert_status 64 "$name $cmd $valued without its value refused" \
                timeout 20 "$prog" "$@" "${words[@]}" "$valued"
            assert_contains "$(cat "$T/last.err")" "needs a value" "$name $cmd: says what is missing"
        fi
        n=$((n + 1))
    done <<<"$cmds"
    pass "$name: $n commands walked"
}
walk "$HD" --data "$D"
walk "$HD_BIN/mailgw/helpdesk-mailgw-core" --data "$D"
walk "$MG" --data "$D"
walk "$WEB" --data "$D"
[ "$before" == "$(state)" ] || fail "the instance changed: $(diff <(echo "$before") <(state) | head)"
pass "the instance is unchanged after every refusal"

# Defaults: verify without a generation checks the newest.
"$HD" --data "$D" backup run >/dev/null
gens=$("$HD" --data "$D" backup list --json | json "' '.join(g['name'] for g in d)")
newest=${gens##* }
assert_status 0 "backup verify without a generation" "$HD" --data "$D" backup verify
assert_eq "$newest: intact" "$(cut -d' ' -f1-2 "$T/last.out")" "backup verify checked the newest"
assert_status 0 "backup verify --all" "$HD" --data "$D" backup verify --all
assert_eq 2 "$(grep -c ': intact' "$T/last.out")" "backup verify --all checked every generation"
assert_status 64 "backup verify GEN --all refused" "$HD" --data "$D" backup verify "$newest" --all

# Defaults: the calendar's questions are about now unless told otherwise.
assert_eq "$("$HD" calendar next-open now)" "$("$HD" calendar next-open)" "calendar next-open defaults to now"
assert_status 0 "calendar is-open defaults to now (open at 10:00 on a Monday)" "$HD" calendar is-open

# "--opt=VALUE" is accepted by the check, so every command must read it.
"$HD" --data "$D" rule add --name eq-form "--if=subject ~ printer" "--then=priority=high" >/dev/null
assert_eq "subject ~ printer -> priority=high" \
    "$("$HD" --data "$D" rule list --json | json "' '.join(c['field']+' '+c['op']+' '+c['value'] for c in [r for r in d if r['name']=='eq-form'][0]['conditions'])+' -> '+' '.join(a['action']+'='+a['value'] for a in [r for r in d if r['name']=='eq-form'][0]['actions'])")" \
    "rule add reads --if=... and --then=..."
"$HD" --data "$D" queue add other --address other@example.org >/dev/null
printf 'From: ann@example.org\nTo: other@example.org\nSubject: hello\nMessage-ID: <eq1@example.org>\n\nHi.\n' |
    "$HD_BIN/mailgw/helpdesk-mailgw-core" --data "$D" deliver --recipient=support@example.org
assert_eq "support" "$("$HD" --data "$D" ticket list --json | json "d[0]['queue']")" \
    "deliver reads --recipient=ADDR"

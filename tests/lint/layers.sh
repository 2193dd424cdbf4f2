# layers.sh - the tree's layers only point down (STYLE.md §1).
#
# Reads every `#include "name.h"` of every .c/.h under helpdesk/ mailgw/
# web/ faq/, finds the one file in the tree with that name and fails,
# listing file:line and from-folder -> to-folder, when
#   - a folder includes a header of a higher rank, or
#   - a folder includes a header of another group of the same rank
#     (faq/lib and mailgw/net are both rank 5 and know nothing of each
#     other; the three programs do not share their folders);
#   - a header name is in the tree twice (bare-name includes would be
#     ambiguous), or does not resolve to a file in the tree (a system
#     header belongs in <>), or lives in a folder the table below lacks;
#   - the libc-only launcher includes a header of ours other than the
#     include-free ones listed in LIBC_ONLY_MAY_INCLUDE.
# Within a group the folders may include each other: the four folders of
# libhelpdesk_mail, the folders of libhelpdesk_webl, the folders built
# into one program.
#
# Run by ctest as lint/layers with HD_SRC set to the source tree.
set -u
cd "${HD_SRC:-$(dirname "$0")/../..}" || exit 2

# The rank table: the one place that says which folder sits where.
#   folder               rank  group
RANKS='
helpdesk/base           0     core
helpdesk/store          1     core
helpdesk/core           2     core
helpdesk/desk           3     core
helpdesk/data           4     core
faq/lib                 5     faq
mailgw/net              5     net
mailgw/parse            6     mail
mailgw/in               6     mail
mailgw/route            6     mail
mailgw/out              6     mail
web/http                7     web
web/api                 7     web
web/agent               7     web
web/public              7     web
faq/web                 7     web
helpdesk/cli            8     prog-helpdesk
faq/cli                 8     prog-helpdesk
mailgw/admin            8     prog-helpdesk
mailgw                  8     prog-mailgw
mailgw/cli              8     prog-mailgw
web                     8     prog-web
mailgw/in/launcher      8     libc-only
'
ROOTS=(helpdesk mailgw web faq)

# The one kind of header a libc-only folder may include: plain #defines
# that include nothing themselves (checked below), so nothing gets linked.
LIBC_ONLY_MAY_INCLUDE=(exitcode.h) # exit statuses, helpdesk/base

declare -A rank group where
while read -r folder r g; do
    [ -n "$folder" ] || continue
    rank[$folder]=$r
    group[$folder]=$g
done <<<"$RANKS"

fails=0
fail() {
    echo "$1"
    fails=$((fails + 1))
}

# Every header name, resolved to its folder; a name twice is an error.
while IFS= read -r h; do
    name=${h##*/}
    if [ -n "${where[$name]:-}" ]; then
        fail "$h: header name also at ${where[$name]}/$name"
        continue
    fi
    where[$name]=${h%/*}
done < <(find "${ROOTS[@]}" -name '*.h' | sort)

re='^([^:]+):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)"'
while IFS= read -r hit; do
    [[ $hit =~ $re ]] || continue
    file=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]} inc=${BASH_REMATCH[3]}
    from=${file%/*}
    to=${where[${inc##*/}]:-}
    if [ -z "${rank[$from]:-}" ]; then
        fail "$file:$line: folder $from is not in the rank table"
        continue
    fi
    if [ "${group[$from]}" = libc-only ]; then
        if ! [[ " ${LIBC_ONLY_MAY_INCLUDE[*]} " == *" ${inc##*/} "* ]]; then
            fail "$file:$line: $from is libc only, includes \"$inc\""
        elif [ -n "$to" ] && grep -q '^[[:space:]]*#[[:space:]]*include' "$to/${inc##*/}"; then
            fail "$file:$line: \"$inc\" of libc-only $from includes a header"
        fi
        continue
    fi
    if [ -z "$to" ]; then
        fail "$file:$line: \"$inc\" is no header of the tree"
        continue
    fi
    if [ -z "${rank[$to]:-}" ]; then
        fail "$file:$line: folder $to (of \"$inc\") is not in the rank table"
        continue
    fi
    rf=${rank[$from]} rt=${rank[$to]}
    if [ "$rt" -gt "$rf" ]; then
        fail "$file:$line: $from ($rf) -> $to ($rt): lower layer includes upper \"$inc\""
    elif [ "$rt" -eq "$rf" ] && [ "${group[$to]}" != "${group[$from]}" ]; then
        fail "$file:$line: $from (${group[$from]}) -> $to (${group[$to]}): same rank, another library's \"$inc\""
    fi
done < <(grep -rnE --include='*.c' --include='*.h' \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "${ROOTS[@]}" | sort -t: -k1,1 -k2,2n)

if [ "$fails" -gt 0 ]; then
    echo "layers: $fails violation(s)"
    exit 1
fi
echo "layers: ok"

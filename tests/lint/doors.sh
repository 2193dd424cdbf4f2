# doors.sh - third-party headers stay behind one door, and the string
# functions without a length stay out (STYLE.md §3 and §7).
#
# Over every .c/.h under helpdesk/ mailgw/ web/ faq/, fails (listing
# file:line) when
#   - a library's header or identifiers show up outside the files the
#     table below allows: the sets are what the tree holds today, so a new
#     door is a decision someone makes in this table, not by accident;
#   - sprintf, vsprintf, strcpy or strcat is called anywhere (snprintf and
#     the hd_buf functions take a bound).
# Comment lines are not read.  Read failures as design feedback: the usual
# fix is a verb in the module that owns the library, not a new entry here.
#
# Run by ctest as lint/doors with HD_SRC set to the source tree.
set -u
cd "${HD_SRC:-$(dirname "$0")/../..}" || exit 2
ROOTS=(helpdesk mailgw web faq)

# The doors: a header (or header folder) in #include <...>, or an
# identifier prefix, and the files allowed to hold it (extended regex on
# the path).
#   kind     what            allowed
DOORS='
include  sqlite3.h       ^helpdesk/store/store_sqlite\.h$
ident    sqlite3_        ^helpdesk/store/(store(_fts|_count|_ckpt|_bulk|_data|_migrate)?\.c|store_sqlite\.h)$
include  libpq-fe.h      ^helpdesk/store/store_pg\.c$
ident    PQ              ^helpdesk/store/store_pg\.c$
include  microhttpd.h    ^web/http/server\.c$
ident    MHD_            ^web/http/server\.c$
include  libetpan/       ^(mailgw/parse/parse|mailgw/in/(imap|pop3)_fetch|mailgw/net/(smtp_out|tlsverify))\.c$
include  libxml/         ^(mailgw/parse/htmlmail|web/public/feeds|web/http/server)\.c$
'
# Today's doors wider than STYLE.md's one per library, kept on purpose:
#   libetpan  pop3_fetch.c beside imap_fetch.c; tlsverify.c checks the
#             certificate chain of a libetpan TLS stream
#   libxml2   htmlmail.c sanitises; feeds.c writes the sitemap and Atom
#             with xmlTextWriter; server.c calls xmlInitParser() and
#             xmlCleanupParser() once per process

BANNED='\b(v?sprintf|strcpy|strcat)[[:space:]]*\('

fails=0
fail() {
    echo "$1"
    fails=$((fails + 1))
}

# Source lines that are not comments: drops lines that start a comment or
# continue one (" * ...") and the text after // or /* on a line.
code_lines() {
    grep -rnE --include='*.c' --include='*.h' "$1" "${ROOTS[@]}" |
        grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' |
        while IFS= read -r hit; do
            text=${hit#*:*:}
            text=${text%%//*}
            text=${text%%/\**}
            [[ $text =~ $1 ]] && echo "$hit"
        done
}

while read -r kind what allowed; do
    [ -n "$kind" ] || continue
    quoted=${what//./\\.}
    case $kind in
    include) pat="^[[:space:]]*#[[:space:]]*include[[:space:]]*<$quoted" ;;
    ident) pat="\\b$quoted" ;;
    *) fail "doors.sh: unknown kind '$kind'"; continue ;;
    esac
    while IFS= read -r hit; do
        file=${hit%%:*}
        [[ $file =~ $allowed ]] && continue
        rest=${hit#*:}
        fail "${file}:${rest%%:*}: $kind '$what' outside its door ($allowed)"
    done < <(code_lines "$pat")
done < <(grep -v '^$' <<<"$DOORS")

while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    fail "${file}:${rest%%:*}: unbounded string call: ${rest#*:}"
done < <(code_lines "$BANNED")

if [ "$fails" -gt 0 ]; then
    echo "doors: $fails violation(s)"
    exit 1
fi
echo "doors: ok"

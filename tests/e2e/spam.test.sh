#!/bin/bash
# spam.test.sh - spam never becomes work (docs/mail.md#spam): Debian's
# SpamAssassin (spamd on 127.0.0.1 as an unprivileged user, the rules
# Debian ships) marks a GTUBE mail; it is held, closed, not acknowledged
# (the SMTP server receives nothing for it), listed by the "spam" view
# only; a clean mail is untouched and acknowledged.  Our MTA's own
# X-Spam-Flag holds a mail without asking spamd, a forged one below it
# does not; a DMARC failure opens a ticket but mails nothing.  An agent
# releases one (it enters the queue, its sender is allowed from then on)
# and confirms another (its sender is blocked: the next mail is held).
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
use_peers
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
hd() { "$HD" --data "$I" "$@"; }
q() { sql "$DB" "$1"; }
hd --profile test init >/dev/null
hd queue add support --address support@support.test >/dev/null
hd queue add billing --address billing@support.test >/dev/null
echo "$PW" | hd user add --email ann@support.test --name ann --role agent --queues support >/dev/null
start_smtp_sink
start_spamd
printf 'secret\n' > "$T/smtp.pw"
conf "$I" mail.from_address support@support.test
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
conf "$I" smtp.user agent
conf "$I" smtp.password_file "$T/smtp.pw"
conf "$I" scan.spamd_socket "$SPAMD_ADDR"
conf "$I" mail.authserv_id mx.support.test

# deliver FILE: as Postfix's pipe would.
deliver() { "$MG" --data "$I" deliver --recipient support@support.test < "$1" >/dev/null || fail "deliver $1"; }
spam_of() { q "SELECT spam || ':' || status FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.message_id = '$1'"; }
number_of() { q "SELECT t.number FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.message_id = '$1'"; }
acks_to() { grep -l "^To: .*$1" "$SINK_DIR"/msg-*.eml 2>/dev/null | wc -l; }

cat > "$T/gtube.eml" <<'MAIL'
From: Spammer <spammer@spam.test>
To: support@support.test
Subject: You have won a prize
Date: Mon, 07 Dec 2026 10:00:00 +0900
Message-ID: <gtube1@spam.test>
Content-Type: text/plain; charset=US-ASCII

XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X
MAIL
cat > "$T/clean.eml" <<'MAIL'
From: Yamada Taro <yamada@customer.test>
To: support@support.test
Subject: Invoice for November
Date: Mon, 07 Dec 2026 10:01:00 +0900
Message-ID: <clean1@customer.test>
Content-Type: text/plain; charset=US-ASCII

Hello, could you send the invoice for November again?
Thank you, Yamada
MAIL
# What our MTA's SpamAssassin milter would add on top; a sender's own
# verdict header sits below it.
cat > "$T/flagged.eml" <<'MAIL'
X-Spam-Flag: YES
X-Spam-Status: Yes, score=7.1 required=5.0
From: Seller <seller@bulk.test>
To: support@support.test
X-Spam-Flag: NO
Subject: Cheap watches
Date: Mon, 07 Dec 2026 10:02:00 +0900
Message-ID: <flag1@bulk.test>

Buy now.
MAIL
cat > "$T/forged.eml" <<'MAIL'
X-Spam-Flag: NO
From: Ito <ito@customer.test>
To: support@support.test
X-Spam-Flag: YES
Subject: Question about my plan
Date: Mon, 07 Dec 2026 10:03:00 +0900
Message-ID: <forged1@customer.test>

Which plan am I on?
MAIL
cat > "$T/dmarc.eml" <<'MAIL'
Authentication-Results: mx.support.test; spf=pass smtp.mailfrom=relay.test;
 dkim=none; dmarc=fail (p=reject) header.from=bank.test
Authentication-Results: mx.support.test; dmarc=pass header.from=bank.test
From: Bank <alerts@bank.test>
To: support@support.test
Subject: Account question
Date: Mon, 07 Dec 2026 10:04:00 +0900
Message-ID: <dmarc1@relay.test>

Please check my account.
MAIL

for m in gtube clean flagged forged dmarc; do deliver "$T/$m.eml"; done
hd worker --once >/dev/null 2>&1

assert_eq "1:closed" "$(spam_of gtube1@spam.test)" "GTUBE held as spam by spamd, closed"
assert_contains "$(q "SELECT spam_reason FROM ticket WHERE number = $(number_of gtube1@spam.test)")" "spamd: 10" "the history says spamd's score"
assert_eq "0:new" "$(spam_of clean1@customer.test)" "a clean mail is untouched"
assert_eq "1:closed" "$(spam_of flag1@bulk.test)" "the MTA's topmost X-Spam-Flag holds it"
assert_contains "$(q "SELECT spam_reason FROM ticket WHERE number = $(number_of flag1@bulk.test)")" "X-Spam-Flag: YES" "... and says so"
assert_eq "0:new" "$(spam_of forged1@customer.test)" "a sender's own X-Spam-Flag below ours is not believed"
assert_eq "0:new" "$(spam_of dmarc1@relay.test)" "a DMARC failure still opens a ticket"
assert_contains "$(q "SELECT group_concat(detail) FROM event WHERE ticket_id = (SELECT id FROM ticket WHERE number = $(number_of dmarc1@relay.test))")" "not acknowledged: DMARC fail" "its history says why it was not acknowledged"

assert_eq 0 "$(acks_to spammer@spam.test)" "the SMTP server received nothing for the GTUBE mail"
assert_eq 0 "$(acks_to seller@bulk.test)" "... nor for the flagged one"
assert_eq 0 "$(acks_to alerts@bank.test)" "... nor for the DMARC failure"
assert_eq 1 "$(acks_to yamada@customer.test)" "the clean mail was acknowledged"
assert_eq 1 "$(acks_to ito@customer.test)" "... and so was the forged-header one"
assert_eq 0 "$(q "SELECT count(*) FROM outbox WHERE rcpts LIKE '%spammer@spam.test%' OR rcpts LIKE '%seller@bulk.test%' OR rcpts LIKE '%alerts@bank.test%'")" "no outbox row for them at all"

# Out of every list but "spam": the CLI, the API's list and the queue.
list=$(hd ticket list --json | json '" ".join(str(x["number"]) for x in d)')
G=$(number_of gtube1@spam.test); F=$(number_of flag1@bulk.test); C=$(number_of clean1@customer.test)
for n in $G $F; do
    case " $list " in *" $n "*) fail "held ticket $n in ticket list";; esac
done
case " $list " in *" $C "*) ;; *) fail "clean ticket $C missing from ticket list";; esac
pass "ticket list shows the clean tickets only"

start_web "$I"
[ "$(login ann "ann@support.test" "$PW")" = 303 ] || fail "ann signs in"
for v in open unassigned; do
    c ann "$URL/agent/?view=$v" >/dev/null
    grep -q "You have won a prize" "$T/body" && fail "GTUBE mail in view $v"
    grep -q "Invoice for November" "$T/body" || fail "clean mail missing from view $v"
done
c ann "$URL/agent/?view=open&status=closed" >/dev/null
grep -q "You have won a prize" "$T/body" && fail "held mail among the closed tickets"
pass "held mail is in no ordinary view (closed included)"
c ann "$URL/agent/?view=spam" >/dev/null
grep -q "You have won a prize" "$T/body" || fail "spam view lists the GTUBE mail"
grep -q 'data-view="spam">2<' "$T/body" || fail "spam view count is 2: $(grep -o 'data-view="spam">[0-9]*' "$T/body")"
pass "the spam view lists them, with its count"

# Release the GTUBE mail in one click (CSRF checked).
c ann "$URL/agent/tickets/$G" >/dev/null
grep -q 'action="/agent/tickets/'"$G"'/spam"' "$T/body" || fail "ticket page shows the verdict forms"
tok=$(csrf)
assert_eq 403 "$(c ann -X POST --data "verdict=release" "$URL/agent/tickets/$G/spam")" "release without CSRF token refused"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data "verdict=release" "$URL/agent/tickets/$G/spam")" "release in one click"
assert_eq "0:new" "$(spam_of gtube1@spam.test)" "released: an ordinary new ticket"
c ann "$URL/agent/?view=open" >/dev/null
grep -q "You have won a prize" "$T/body" || fail "released mail appears in the queue"
pass "released mail appears in the queue"
assert_eq allow "$(q "SELECT verdict FROM sender_list WHERE address = 'spammer@spam.test'")" "its sender is allowed"
assert_eq 1 "$(q "SELECT count(*) FROM audit WHERE action = 'ticket.spam_release'")" "the release is audited"
hd worker --once >/dev/null 2>&1
assert_eq 0 "$(acks_to spammer@spam.test)" "a release mails nobody"
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" --data "verdict=release" "$URL/agent/tickets/$G/spam")" "a second verdict is refused"

# Confirm the flagged one: its sender is blocked.
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data "verdict=confirm" "$URL/agent/tickets/$F/spam")" "confirm in one click"
assert_eq "2:closed" "$(spam_of flag1@bulk.test)" "confirmed spam"
c ann "$URL/agent/?view=spam" >/dev/null
grep -q "Cheap watches" "$T/body" && fail "confirmed spam still in the spam view"
assert_eq block "$(q "SELECT verdict FROM sender_list WHERE address = 'seller@bulk.test'")" "its sender is blocked"

# What the verdicts taught: the blocked sender's next mail is held with no
# header at all; the allowed sender's next GTUBE is not.
sed -e '/^X-Spam/d' -e 's/flag1@/flag2@/' "$T/flagged.eml" > "$T/flag2.eml"
sed 's/gtube1@/gtube2@/' "$T/gtube.eml" > "$T/gtube2.eml"
deliver "$T/flag2.eml"; deliver "$T/gtube2.eml"
assert_eq "1:closed" "$(spam_of flag2@bulk.test)" "a blocked sender's mail is held"
assert_contains "$(q "SELECT spam_reason FROM ticket WHERE number = $(number_of flag2@bulk.test)")" "blocked" "... saying why"
assert_eq "0:new" "$(spam_of gtube2@spam.test)" "an allowed sender's mail is not held"

# A grant still applies: bob cannot judge a ticket of a queue he lacks.
echo "$PW" | hd user add --email bob@support.test --name bob --role agent --queues billing >/dev/null
[ "$(login bob "bob@support.test" "$PW")" = 303 ] || fail "bob signs in"
c bob "$URL/agent/?view=spam" >/dev/null
grep -q "Cheap watches" "$T/body" && fail "bob sees spam of a queue not granted"
tok=$(csrf)
st=$(c bob -X POST --data-urlencode "csrf=$tok" --data "verdict=release" "$URL/agent/tickets/$(number_of flag2@bulk.test)/spam")
[ "$st" = 403 ] || [ "$st" = 404 ] || fail "bob's verdict on another queue's ticket: $st"
assert_eq "1:closed" "$(spam_of flag2@bulk.test)" "... changed nothing"
pass "spam test done"

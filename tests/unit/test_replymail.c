/* test_replymail.c - the new text of an agent's answer by mail: quotes,
 * attributions and signatures in the forms common clients write are cut,
 * and the note marker is found and removed.  The whole way in (address,
 * sender, grants, desk) runs in tests/e2e/replymail.test.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "replymail.h"

static const struct {
    const char *what, *text, *want;
    bool note;
} cases[] = {
    /* 0 */ {"plain", "Restarted the router.\n", "Restarted the router.",
             false},
    /* 1 */ {"gmail top post",
             "Done, it is back.\n\nOn Mon, Dec 7, 2026 at 10:00 AM Support "
             "<support@example.com> wrote:\n> [Support #10001] Down\n> "
             "the site is down\n",
             "Done, it is back.", false},
    /* 2 */ {"gmail attribution wrapped on two lines",
             "Done.\n\nOn Mon, Dec 7, 2026 at 10:00 AM Support <\n"
             "support@example.com> wrote:\n\n> quoted\n",
             "Done.", false},
    /* 3 */ {"outlook",
             "Fixed.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\n"
             "Sent: Monday\r\nthe site is down\r\n",
             "Fixed.", false},
    /* 4 */ {"japanese attribution",
             "対応しました。\n\n2026年12月7日(月) 10:00 Support "
             "<support@example.com>さんは書きました:\n> サイトが落ちて"
             "います\n",
             "対応しました。", false},
    /* 5 */ {"signature", "Fixed.\n\n-- \nAnn Agent\nExample Inc.\n",
             "Fixed.", false},
    /* 6 */ {"inline answers keep the agent's lines",
             "> is it down?\nYes, since 9:00.\n> when back?\nBy noon.\n",
             "Yes, since 9:00.\nBy noon.", false},
    /* 7 */ {"note marker", "#note\nCustomer called, waiting.\n\n> x\n",
             "Customer called, waiting.", true},
    /* 8 */ {"note marker with text on its line",
             "#note: checked logs\nnothing odd\n",
             "checked logs\nnothing odd", true},
    /* 9 */ {"japanese marker", "#メモ 顧客に電話済み\n",
             "顧客に電話済み", true},
    /* 10 */ {"full-width marker", "＃メモ\n確認中\n", "確認中", true},
    /* 11 */ {"marker in capitals, after blank lines", "\n\n#NOTE\nx\n",
              "x", true},
    /* 12 */ {"a word starting with the marker is text",
              "#notes are below\n", "#notes are below", false},
    /* 13 */ {"marker later in the text is text",
              "Done.\n#note not a note\n", "Done.\n#note not a note",
              false},
    /* 14 */ {"only a quote: nothing new", "On Mon x wrote:\n> hi\n", "",
              false},
    /* 15 */ {"only the marker: nothing new", "#note\n\n-- \nsig\n", "",
              true},
};

static void new_text(void **state)
{
    (void)state;
    for (size_t c = 0; c < HD_ARRAY_LEN(cases); c++) {
        struct hd_arena *a = hd_arena_new();
        bool note = !cases[c].note;
        const char *got = mg_replymail_new_text(
            cases[c].text, strlen(cases[c].text), a, &note);
        if (strcmp(got, cases[c].want) != 0 || note != cases[c].note)
            fail_msg("case %zu (%s): got \"%s\" note=%d, want \"%s\" "
                     "note=%d", c, cases[c].what, got, note, cases[c].want,
                     cases[c].note);
        hd_arena_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

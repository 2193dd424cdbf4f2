/* rules.h - routing rules: compiled from their stored JSON, checked
 * strictly (unknown field, bad regular expression, empty or unknown
 * action are refused with the reason), and matched against a message.
 *
 * Fields: to (envelope, To or Cc), envelope, from, from_domain, org, tier,
 * subject, body (first lines), text (subject or body), header:NAME,
 * hours (open|closed at arrival), channel (incident|general, from the
 * configured addresses), auto (yes|no), bounce (yes|no).
 * Operators: = (equal, case-insensitive), != , ~ (contains), ~any (contains
 * one of a comma list), in (equal to one of a comma list), =~ (POSIX
 * extended regular expression, case-insensitive).
 * Actions: queue NAME, category incident|general, priority
 * low|normal|high|urgent, assign EMAIL|round-robin|least-open, tag WORD. */
#ifndef MG_RULES_H
#define MG_RULES_H

#include "arena.h"
#include "parse.h"
#include "store.h"

#define MG_RULE_CONDS_MAX 16
#define MG_RULE_ACTIONS_MAX 16
#define MG_RULE_VALUE_MAX 1024

struct mg_rule;

/* What a message looks like to the rules. */
struct mg_rule_ctx {
    const struct mg_mail *m;
    const char *envelope;  /* may be NULL */
    const char *org_name;  /* NULL: no organisation */
    const char *tier;
    const char *channel;   /* "incident" or "general" */
    bool open_now;         /* business hours at arrival */
    const char *head_text; /* the first lines of the body */
};

/* Compiles a stored rule.  st (may be NULL) checks queue and user names.
 * -1 with HD_E_INVAL and the reason on anything malformed. */
HD_NODISCARD int mg_rule_compile(const char *conditions_json,
                                 const char *actions_json,
                                 struct hd_store *st, struct mg_rule **r_r,
                                 struct hd_error *err);
void mg_rule_free(struct mg_rule **r);

/* The compiled form of a stored rule without a store check, compiled once
 * per process for each distinct (conditions, actions) text and kept until
 * the process ends (at most MG_RULE_CACHE_MAX texts; beyond that each
 * call compiles afresh and *tmp_r must be freed with mg_rule_free(), else
 * *tmp_r is NULL).  Routing compiled every rule for every message: 8% of
 * an import.  Safe from several threads; the rule is read-only. */
#define MG_RULE_CACHE_MAX 256
HD_NODISCARD int mg_rule_compiled(const char *conditions_json,
                                  const char *actions_json,
                                  const struct mg_rule **r_r,
                                  struct mg_rule **tmp_r,
                                  struct hd_error *err);

/* True when every condition holds; *why_r (arena) says what matched. */
bool mg_rule_match(const struct mg_rule *r, const struct mg_rule_ctx *ctx,
                   struct hd_arena *a, const char **why_r);

size_t mg_rule_n_actions(const struct mg_rule *r);
/* The i-th action and its value. */
void mg_rule_action(const struct mg_rule *r, size_t i, const char **action_r,
                    const char **value_r);

/* Builds the JSON text of one condition "FIELD OP VALUE" (as typed on the
 * command line) or one action "ACTION=VALUE"; -1 if malformed. */
HD_NODISCARD int mg_rule_cond_from_text(const char *text, struct hd_arena *a,
                                        const char **field_r,
                                        const char **op_r,
                                        const char **value_r,
                                        struct hd_error *err);

#endif

/* template.c - see template.h. */
#include "template.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *name, *lang, *text;
} defaults[] = {
    {"ack", "ja",
     "Subject: {{subject}}\n"
     "\n"
     "{{name}} 様\n"
     "\n"
     "{{instance}}です。お問い合わせを受け付けました。\n"
     "\n"
     "受付番号: {{number}}\n"
     "区分: {{category}}\n"
     "{{refused}}"
     "\n"
     "{{promise}}\n"
     "{{link}}\n"
     "このメールに返信いただくと、同じお問い合わせに追記されます。\n"
     "件名の [{{tag}} #{{number}}] は変更しないでください。\n"
     "\n"
     "-- \n{{instance}}\n"},
    {"ack", "en",
     "Subject: {{subject}}\n"
     "\n"
     "Dear {{name}},\n"
     "\n"
     "Thank you for contacting {{instance}}. We have received your "
     "request.\n"
     "\n"
     "Reference: {{number}}\n"
     "Category: {{category}}\n"
     "{{refused}}"
     "\n"
     "{{promise}}\n"
     "{{link}}\n"
     "Reply to this message to add to the same request; please keep "
     "[{{tag}} #{{number}}] in the subject.\n"
     "\n"
     "-- \n{{instance}}\n"},
    {"alert", "en",
     "Subject: INCIDENT {{subject}}\n"
     "\n"
     "New incident {{number}} from {{name}} <{{address}}>, "
     "received {{received}}.\n"
     "First response due: {{due}}\n"
     "\n"
     "{{excerpt}}\n"},
    {"escalation", "en",
     "Subject: SLA {{level}}: {{subject}}\n"
     "\n"
     "Ticket {{number}} ({{category}}, {{priority}}) has {{level}} its "
     "{{which}} target, due {{due}}.\n"},
};

const char *hd_template_default(const char *name, const char *lang)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(defaults); i++)
        if (strcmp(defaults[i].name, name) == 0 &&
            strcmp(defaults[i].lang, lang) == 0)
            return defaults[i].text;
    return NULL;
}

int hd_template_write_defaults(const char *dir, struct hd_error *err)
{
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        hd_error_set(err, HD_E_IO, "mkdir %s: %s", dir, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(defaults); i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s.txt", dir, defaults[i].name,
                 defaults[i].lang);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0 && errno == EEXIST)
            continue;
        size_t len = strlen(defaults[i].text);
        if (fd < 0 || write(fd, defaults[i].text, len) != (ssize_t)len) {
            hd_error_set(err, HD_E_IO, "writing %s: %s", path,
                         strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

int hd_template_load(const char *instance_dir, const char *name,
                     const char *lang, struct hd_arena *a,
                     const char **text_r, struct hd_error *err)
{
    static const char *const fallbacks[] = {NULL, "en", "ja"};
    for (size_t k = 0; k < HD_ARRAY_LEN(fallbacks); k++) {
        const char *l = fallbacks[k] ? fallbacks[k] : lang;
        char path[4096];
        snprintf(path, sizeof path, "%s/templates/%s.%s.txt", instance_dir,
                 name, l);
        FILE *f = fopen(path, "r");
        if (f != NULL) {
            char *buf = hd_arena_alloc(a, HD_TEMPLATE_MAX + 1);
            size_t n = fread(buf, 1, HD_TEMPLATE_MAX + 1, f);
            fclose(f);
            if (n > HD_TEMPLATE_MAX) {
                hd_error_set(err, HD_E_TOOBIG, "%s is over %d bytes", path,
                             HD_TEMPLATE_MAX);
                return -1;
            }
            buf[n] = '\0';
            *text_r = buf;
            return 0;
        }
        const char *d = hd_template_default(name, l);
        if (d != NULL) {
            *text_r = d;
            return 0;
        }
    }
    hd_error_set(err, HD_E_NOTFOUND, "no template %s", name);
    return -1;
}

static int put_value(struct hd_buf *out, const struct hd_tvar *v,
                     struct hd_error *err)
{
    const char *s = v->value ? v->value : "";
    for (; *s; s++) {
        char c = *s;
        if (((unsigned char)c < 0x20 && !(v->multiline && c == '\n')) ||
            c == 0x7f)
            c = ' ';
        if (hd_buf_append(out, &c, 1, err) < 0)
            return -1;
    }
    return 0;
}

int hd_template_expand(const char *text, const struct hd_tvar *vars,
                       size_t n, struct hd_buf *out, struct hd_error *err)
{
    const char *p = text;
    while (*p) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (open == NULL || close == NULL)
            return hd_buf_puts(out, p, err);
        if (hd_buf_append(out, p, (size_t)(open - p), err) < 0)
            return -1;
        size_t nl = (size_t)(close - open - 2);
        for (size_t i = 0; i < n; i++) {
            if (strlen(vars[i].name) == nl &&
                strncmp(vars[i].name, open + 2, nl) == 0 &&
                put_value(out, &vars[i], err) < 0)
                return -1;
        }
        p = close + 2;
    }
    return 0;
}

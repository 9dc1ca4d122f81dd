/*
** expr.c -- tokenizer, parser and vectorised evaluator for row expressions.
**
** The parser is a recursive descent over one token of lookahead; the tree
** lives in a flat node array.  Evaluation first "plans" every node against
** the frame (resolving columns, factor levels and date literals once, which
** is where type errors are reported), then runs the tree over blocks of
** EXPR_BLOCK rows so that each operator is a tight loop over a buffer that
** stays in cache, with scratch space of one block per tree level.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/expr.h"
#include "core/internal.h"

#define EXPR_BLOCK 1024
/* Code points of context shown either side of an error position. */
#define EXPR_CONTEXT 40

typedef enum expr_kind {
    EXPR_NUMBER, EXPR_STRING, EXPR_LOGICAL, EXPR_COLUMN,
    EXPR_NEG, EXPR_NOT, EXPR_MISSING, EXPR_LOG, EXPR_EXP, EXPR_SQRT, EXPR_ABS,
    EXPR_ADD, EXPR_SUB, EXPR_MUL, EXPR_DIV,
    EXPR_EQ, EXPR_NE, EXPR_LT, EXPR_LE, EXPR_GT, EXPR_GE,
    EXPR_AND, EXPR_OR, EXPR_IN
} expr_kind;

typedef struct expr_node {
    expr_kind kind;
    size_t offset;          /* byte offset of the node's token in source */
    int left, right;        /* children, -1 when absent */
    size_t height;
    double number;          /* EXPR_NUMBER, EXPR_LOGICAL */
    char *str;              /* EXPR_STRING text, EXPR_COLUMN name */
    size_t first_item, n_items; /* EXPR_IN list in items[] */
} expr_node;

/* A literal of an `in` list: a number (TRUE/FALSE as 1/0) or a text. */
typedef struct expr_item {
    int is_string;
    int is_logical;
    double number;
    char *str;
    size_t offset;
} expr_item;

struct onc_expr {
    expr_node *nodes;
    size_t n_nodes, cap_nodes;
    expr_item *items;
    size_t n_items, cap_items;
    int root;
    size_t start;
    char *source;           /* the whole text parsed from */
    char *label;            /* "expression", "formula", ... */
    char *text;             /* normalised */
    char **columns;
    size_t *column_offsets;
    size_t n_columns;
};

/* ------------------------------------------------------------------ */
/* Small growable string, used for normalised text and messages.       */

typedef struct expr_buf {
    char *s;
    size_t len, cap;
    int failed;
} expr_buf;

static void expr_buf_add(expr_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *grown;
        while (cap < b->len + n + 1) {
            if (cap > ((size_t)-1) / 2) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        grown = realloc(b->s, cap);
        if (grown == NULL) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void expr_buf_puts(expr_buf *b, const char *s)
{
    expr_buf_add(b, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Error messages with a caret under the position.                     */

static int expr_is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static onc_status expr_verror_at(onc_error *err, onc_status status,
                                 const char *label, const char *text,
                                 size_t offset, const char *what,
                                 const char *detail_fmt, va_list ap)
{
    char detail[400];
    char shown[EXPR_CONTEXT * 2 * 4 + 16];
    size_t len = strlen(text), i, cp_before = 0;
    size_t from, to, cp_from, caret, n_shown = 0, cp;

    if (err == NULL)
        return status;
    if (offset > len)
        offset = len;
    for (i = 0; i < len; i++) {
        if (i < offset && !expr_is_continuation((unsigned char)text[i]))
            cp_before++;
    }
    detail[0] = '\0';
    if (detail_fmt != NULL && detail_fmt[0] != '\0')
        vsnprintf(detail, sizeof detail, detail_fmt, ap);

    /* The window of code points [cp_from, cp_from + 2*EXPR_CONTEXT). */
    cp_from = cp_before > EXPR_CONTEXT ? cp_before - EXPR_CONTEXT : 0;
    from = len;
    to = len;
    cp = 0;
    for (i = 0; i < len; i++) {
        if (expr_is_continuation((unsigned char)text[i]))
            continue;
        if (cp == cp_from)
            from = i;
        if (cp == cp_from + 2 * EXPR_CONTEXT) {
            to = i;
            break;
        }
        cp++;
    }
    if (from > to)
        from = to;
    caret = cp_before - cp_from;
    if (from > 0) {
        memcpy(shown, "...", 3);
        n_shown = 3;
        caret += 3;
    }
    for (i = from; i < to && n_shown + 4 < sizeof shown; i++) {
        unsigned char c = (unsigned char)text[i];
        /* Line breaks and tabs would misplace the caret. */
        shown[n_shown++] = (c < 0x20 || c == 0x7F) ? ' ' : (char)c;
    }
    if (to < len && n_shown + 4 < sizeof shown) {
        memcpy(shown + n_shown, "...", 3);
        n_shown += 3;
    }
    shown[n_shown] = '\0';

    onc_error_set(err, status, NULL, 0, 0, NULL, "%s", "");
    snprintf(err->message, sizeof err->message, "%s: %s at character %zu%s%s\n  %s\n  %*s^",
             label, what, cp_before + 1, detail[0] ? ": " : "", detail, shown,
             (int)caret, "");
    return status;
}

onc_status onc_expr_error_at(onc_error *err, onc_status status, const char *label,
                             const char *text, size_t offset, const char *what,
                             const char *detail_fmt, ...)
{
    va_list ap;
    onc_status rc;

    va_start(ap, detail_fmt);
    rc = expr_verror_at(err, status, label, text, offset, what, detail_fmt, ap);
    va_end(ap);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Names.                                                              */

static int expr_name_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.';
}

static int expr_name_char(int c)
{
    return expr_name_start(c) || (c >= '0' && c <= '9');
}

static int expr_digit(int c)
{
    return c >= '0' && c <= '9';
}

static const char *const expr_reserved[] = { "and", "or", "not", "in", "TRUE", "FALSE" };

static int expr_is_reserved(const char *s, size_t n)
{
    size_t k;

    for (k = 0; k < sizeof expr_reserved / sizeof expr_reserved[0]; k++)
        if (strlen(expr_reserved[k]) == n && memcmp(expr_reserved[k], s, n) == 0)
            return 1;
    return 0;
}

onc_status onc_expr_scan_name(const char *text, size_t pos, const char *label,
                              size_t *length, char **name, onc_error *err)
{
    const char *s = text + pos;
    size_t n = 0;

    *length = 0;
    *name = NULL;
    if (s[0] == '`') {
        expr_buf b = { NULL, 0, 0, 0 };
        size_t i = 1;
        while (s[i] != '\0' && s[i] != '`') {
            if (s[i] == '\\') {
                if (s[i + 1] != '`' && s[i + 1] != '\\') {
                    free(b.s);
                    return onc_expr_error_at(err, ONC_ERR_PARSE, label, text, pos + i,
                                             "syntax error",
                                             "unknown escape in a backquoted name "
                                             "(only \\` and \\\\ are allowed)");
                }
                i++;
            }
            expr_buf_add(&b, s + i, 1);
            i++;
        }
        if (s[i] != '`') {
            free(b.s);
            return onc_expr_error_at(err, ONC_ERR_PARSE, label, text, pos,
                                     "syntax error", "unterminated backquoted name");
        }
        if (b.failed) {
            free(b.s);
            return ONC_ERR_NOMEM;
        }
        if (b.len == 0) {
            free(b.s);
            return onc_expr_error_at(err, ONC_ERR_PARSE, label, text, pos,
                                     "syntax error", "empty backquoted name");
        }
        *length = i + 1;
        *name = b.s;
        return ONC_OK;
    }
    if (!expr_name_start((unsigned char)s[0]) || (s[0] == '.' && expr_digit((unsigned char)s[1])))
        return ONC_OK;
    while (expr_name_char((unsigned char)s[n]))
        n++;
    *name = onc_strndup(s, n);
    if (*name == NULL)
        return ONC_ERR_NOMEM;
    *length = n;
    return ONC_OK;
}

char *onc_expr_quote_name(const char *name)
{
    size_t n = strlen(name), i;
    int bare = n > 0 && expr_name_start((unsigned char)name[0]) &&
               !(name[0] == '.' && expr_digit((unsigned char)name[1])) &&
               !expr_is_reserved(name, n);
    expr_buf b = { NULL, 0, 0, 0 };

    for (i = 0; bare && i < n; i++)
        if (!expr_name_char((unsigned char)name[i]))
            bare = 0;
    if (bare)
        return onc_strdup(name);
    expr_buf_add(&b, "`", 1);
    for (i = 0; i < n; i++) {
        if (name[i] == '`' || name[i] == '\\')
            expr_buf_add(&b, "\\", 1);
        expr_buf_add(&b, name + i, 1);
    }
    expr_buf_add(&b, "`", 1);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* Levenshtein distance, case-insensitive, on at most 64 bytes of each. */
static size_t expr_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t row[65];

    if (la > 64)
        la = 64;
    if (lb > 64)
        lb = 64;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            int ca = (unsigned char)a[i - 1], cb = (unsigned char)b[j - 1];
            size_t up = row[j], best;
            if (ca >= 'A' && ca <= 'Z')
                ca += 'a' - 'A';
            if (cb >= 'A' && cb <= 'Z')
                cb += 'a' - 'A';
            best = diag + (ca != cb);
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* Length of the common prefix of a and b, ignoring ASCII case. */
static size_t expr_common_prefix(const char *a, const char *b)
{
    size_t n = 0;

    for (;; n++) {
        int x = (unsigned char)a[n], y = (unsigned char)b[n];
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x == '\0' || x != y)
            return n;
    }
}

/* Does `needle` occur in `hay`, ignoring ASCII case? */
static int expr_contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle), i, k;

    for (i = 0; hay[i] != '\0'; i++) {
        for (k = 0; k < n; k++) {
            int a = (unsigned char)hay[i + k], b = (unsigned char)needle[k];
            if (a >= 'A' && a <= 'Z')
                a += 'a' - 'A';
            if (b >= 'A' && b <= 'Z')
                b += 'a' - 'A';
            if (a == '\0' || a != b)
                break;
        }
        if (k == n)
            return 1;
    }
    return 0;
}

onc_status onc_expr_find_column(const onc_frame *df, const char *name,
                                const char *label, const char *text,
                                size_t offset, long *index, onc_error *err)
{
    /* Up to three suggestions, the closest first. */
    size_t best[3], dist[3], n_best = 0, j, k, len = strlen(name);
    char list[512], what[300];
    size_t used = 0;

    *index = onc_frame_find(df, name);
    if (*index >= 0)
        return ONC_OK;
    for (j = 0; j < df->n_cols; j++) {
        const char *cand = df->cols[j].name;
        size_t d = expr_distance(name, cand);
        size_t limit = len / 3 > 1 ? len / 3 : 1, shorter = strlen(cand) < len ? strlen(cand) : len;
        size_t prefix = expr_common_prefix(name, cand);
        /* Typos (agee), abbreviations (age for age_years) and shared stems. */
        int close = d <= limit ||
                    (len >= 3 && strlen(cand) >= 3 &&
                     (expr_contains_nocase(cand, name) || expr_contains_nocase(name, cand))) ||
                    (prefix >= 3 && 2 * prefix >= shorter);
        if (!close)
            continue;
        for (k = n_best; k > 0 && dist[k - 1] > d; k--) {
            if (k < 3) {
                best[k] = best[k - 1];
                dist[k] = dist[k - 1];
            }
        }
        if (k < 3) {
            best[k] = j;
            dist[k] = d;
            if (n_best < 3)
                n_best++;
        }
    }
    list[0] = '\0';
    if (n_best > 0) {
        used += (size_t)snprintf(list + used, sizeof list - used, "did you mean ");
        for (k = 0; k < n_best && used < sizeof list; k++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'",
                                     k == 0 ? "" : (k + 1 == n_best ? " or " : ", "),
                                     df->cols[best[k]].name);
        if (used < sizeof list)
            snprintf(list + used, sizeof list - used, "?");
    } else {
        used += (size_t)snprintf(list + used, sizeof list - used, "columns are ");
        for (j = 0; j < df->n_cols && j < 12 && used < sizeof list; j++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'",
                                     j == 0 ? "" : ", ", df->cols[j].name);
        if (df->n_cols > 12 && used < sizeof list)
            snprintf(list + used, sizeof list - used, " and %zu more", df->n_cols - 12);
        if (df->n_cols == 0)
            snprintf(list, sizeof list, "the data have no columns");
    }
    snprintf(what, sizeof what, "unknown column '%s'", name);
    return onc_expr_error_at(err, ONC_ERR_USAGE, label, text, offset, what, "%s", list);
}

/* ------------------------------------------------------------------ */
/* Tokenizer.                                                          */

typedef enum tok_kind {
    TOK_END, TOK_NUMBER, TOK_STRING, TOK_NAME,
    TOK_TRUE, TOK_FALSE, TOK_AND, TOK_OR, TOK_NOT, TOK_IN, TOK_PCT_IN,
    TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
    TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH,
    TOK_LPAREN, TOK_RPAREN, TOK_COMMA, TOK_ASSIGN, TOK_OTHER
} tok_kind;

typedef struct expr_token {
    tok_kind kind;
    size_t start, end;      /* byte range in the text */
    double number;
    char *str;              /* owned: text literal or name */
    int quoted;             /* name was backquoted */
} expr_token;

typedef struct expr_parser {
    const char *text;
    size_t pos;             /* where the next token starts to be read */
    const char *label;
    expr_token tok;
    onc_expr *e;
    size_t depth;
    onc_status status;
    onc_error *err;
} expr_parser;

static int expr_fail(expr_parser *p, onc_status status, size_t offset,
                     const char *what, const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int expr_fail(expr_parser *p, onc_status status, size_t offset,
                     const char *what, const char *detail_fmt, ...)
{
    va_list ap;

    if (p->status != ONC_OK)
        return -1;
    p->status = status;
    if (status == ONC_ERR_NOMEM)
        return -1;
    va_start(ap, detail_fmt);
    expr_verror_at(p->err, status, p->label, p->text, offset, what, detail_fmt, ap);
    va_end(ap);
    return -1;
}

static int expr_nomem(expr_parser *p)
{
    if (p->status == ONC_OK)
        p->status = ONC_ERR_NOMEM;
    return -1;
}

static void expr_skip_blanks(expr_parser *p)
{
    for (;;) {
        char c = p->text[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            p->pos++;
        else
            return;
    }
}

static void expr_lex_string(expr_parser *p)
{
    const char *t = p->text;
    char quote = t[p->pos];
    size_t i = p->pos + 1;
    expr_buf b = { NULL, 0, 0, 0 };

    while (t[i] != '\0' && t[i] != quote) {
        char c = t[i];
        if (c == '\\') {
            switch (t[i + 1]) {
            case '"': c = '"'; break;
            case '\'': c = '\''; break;
            case '\\': c = '\\'; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            default:
                free(b.s);
                expr_fail(p, ONC_ERR_PARSE, i, "syntax error",
                          "unknown escape in a text (use \\\" \\' \\\\ \\n \\t or \\r)");
                return;
            }
            i++;
        }
        expr_buf_add(&b, &c, 1);
        i++;
    }
    if (t[i] != quote) {
        free(b.s);
        expr_fail(p, ONC_ERR_PARSE, p->pos, "syntax error",
                  "unterminated text (no closing %c)", quote);
        return;
    }
    if (b.s == NULL && !b.failed)
        b.s = onc_strdup("");
    if (b.failed || b.s == NULL) {
        free(b.s);
        expr_nomem(p);
        return;
    }
    p->tok.kind = TOK_STRING;
    p->tok.str = b.s;
    p->tok.end = i + 1;
}

static void expr_lex_number(expr_parser *p)
{
    const char *t = p->text;
    size_t i = p->pos, n;
    char buf[72];
    char *endp;
    double v;

    while (expr_digit((unsigned char)t[i]))
        i++;
    if (t[i] == '.') {
        i++;
        while (expr_digit((unsigned char)t[i]))
            i++;
    }
    if ((t[i] == 'e' || t[i] == 'E') &&
        (expr_digit((unsigned char)t[i + 1]) ||
         ((t[i + 1] == '+' || t[i + 1] == '-') && expr_digit((unsigned char)t[i + 2])))) {
        i += 2;
        while (expr_digit((unsigned char)t[i]))
            i++;
    }
    n = i - p->pos;
    if (n >= sizeof buf) {
        expr_fail(p, ONC_ERR_PARSE, p->pos, "syntax error", "number too long");
        return;
    }
    memcpy(buf, t + p->pos, n);
    buf[n] = '\0';
    v = strtod(buf, &endp);
    if (*endp != '\0' || !isfinite(v)) {
        expr_fail(p, ONC_ERR_PARSE, p->pos, "syntax error", "number out of range");
        return;
    }
    p->tok.kind = TOK_NUMBER;
    p->tok.number = v;
    p->tok.end = i;
}

/* Read the next token into p->tok, releasing the previous one's text. */
static void expr_next(expr_parser *p)
{
    const char *t = p->text;
    char c, d;

    free(p->tok.str);
    memset(&p->tok, 0, sizeof p->tok);
    if (p->status != ONC_OK) {
        p->tok.kind = TOK_END;
        return;
    }
    expr_skip_blanks(p);
    p->tok.start = p->pos;
    p->tok.end = p->pos + 1;
    c = t[p->pos];
    d = c != '\0' ? t[p->pos + 1] : '\0';
    switch (c) {
    case '\0': p->tok.kind = TOK_END; p->tok.end = p->pos; break;
    case '"':
    case '\'': expr_lex_string(p); break;
    case '(': p->tok.kind = TOK_LPAREN; break;
    case ')': p->tok.kind = TOK_RPAREN; break;
    case ',': p->tok.kind = TOK_COMMA; break;
    case '+': p->tok.kind = TOK_PLUS; break;
    case '-': p->tok.kind = TOK_MINUS; break;
    case '*': p->tok.kind = TOK_STAR; break;
    case '/': p->tok.kind = TOK_SLASH; break;
    case '&':
        p->tok.kind = TOK_AND;
        p->tok.end += d == '&';
        break;
    case '|':
        p->tok.kind = TOK_OR;
        p->tok.end += d == '|';
        break;
    case '!':
        p->tok.kind = d == '=' ? TOK_NE : TOK_NOT;
        p->tok.end += d == '=';
        break;
    case '=':
        p->tok.kind = d == '=' ? TOK_EQ : TOK_ASSIGN;
        p->tok.end += d == '=';
        break;
    case '<':
        p->tok.kind = d == '=' ? TOK_LE : TOK_LT;
        p->tok.end += d == '=';
        break;
    case '>':
        p->tok.kind = d == '=' ? TOK_GE : TOK_GT;
        p->tok.end += d == '=';
        break;
    case '%':
        if (strncmp(t + p->pos, "%in%", 4) == 0) {
            p->tok.kind = TOK_PCT_IN;
            p->tok.end = p->pos + 4;
        } else {
            p->tok.kind = TOK_OTHER;
        }
        break;
    default:
        if (expr_digit((unsigned char)c) || (c == '.' && expr_digit((unsigned char)d))) {
            expr_lex_number(p);
        } else if (expr_name_start((unsigned char)c) || c == '`') {
            size_t len;
            char *name;
            onc_status rc = onc_expr_scan_name(t, p->pos, p->label, &len, &name, p->err);
            if (rc != ONC_OK) {
                p->status = rc;
                p->tok.kind = TOK_END;
                return;
            }
            p->tok.end = p->pos + len;
            p->tok.kind = TOK_NAME;
            p->tok.quoted = c == '`';
            p->tok.str = name;
            if (!p->tok.quoted) {
                if (strcmp(name, "and") == 0) p->tok.kind = TOK_AND;
                else if (strcmp(name, "or") == 0) p->tok.kind = TOK_OR;
                else if (strcmp(name, "not") == 0) p->tok.kind = TOK_NOT;
                else if (strcmp(name, "in") == 0) p->tok.kind = TOK_IN;
                else if (strcmp(name, "TRUE") == 0) p->tok.kind = TOK_TRUE;
                else if (strcmp(name, "FALSE") == 0) p->tok.kind = TOK_FALSE;
            }
        } else {
            /* Not part of the expression language (`~`, `:`, `^` ...):
            ** the end of an embedded expression, or an error. */
            p->tok.kind = TOK_OTHER;
            while (t[p->tok.end] != '\0' && expr_is_continuation((unsigned char)t[p->tok.end]))
                p->tok.end++;
        }
        break;
    }
    if (p->status != ONC_OK) {
        free(p->tok.str);
        p->tok.str = NULL;
        p->tok.kind = TOK_END;
        return;
    }
    p->pos = p->tok.end;
}

/* Is the next non-blank character after the current token `c`? */
static int expr_followed_by(const expr_parser *p, char c)
{
    size_t i = p->tok.end;

    while (p->text[i] == ' ' || p->text[i] == '\t' || p->text[i] == '\n' || p->text[i] == '\r')
        i++;
    return p->text[i] == c;
}

/* "'x'" or "the end of the text" for messages about the current token. */
static void expr_describe_token(const expr_parser *p, char *buf, size_t cap)
{
    size_t n = p->tok.end - p->tok.start;

    if (p->tok.kind == TOK_END) {
        snprintf(buf, cap, "the end of the text");
        return;
    }
    if (n > 40)
        n = 40;
    snprintf(buf, cap, "'%.*s'", (int)n, p->text + p->tok.start);
}

/* ------------------------------------------------------------------ */
/* Parser.                                                             */

static int expr_new_node(expr_parser *p, expr_kind kind, size_t offset, int left, int right)
{
    onc_expr *e = p->e;
    expr_node *n;
    size_t h = 0;

    if (left >= 0)
        h = e->nodes[left].height;
    if (right >= 0 && e->nodes[right].height > h)
        h = e->nodes[right].height;
    if (h + 1 > ONC_EXPR_MAX_DEPTH)
        return expr_fail(p, ONC_ERR_LIMIT, offset, "expression too deep",
                         "more than %d nested operations", ONC_EXPR_MAX_DEPTH);
    if (e->n_nodes == e->cap_nodes) {
        size_t cap = e->cap_nodes ? 2 * e->cap_nodes : 16;
        expr_node *grown = onc_reallocarray(e->nodes, cap, sizeof *grown);
        if (grown == NULL)
            return expr_nomem(p);
        e->nodes = grown;
        e->cap_nodes = cap;
    }
    n = &e->nodes[e->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->offset = offset;
    n->left = left;
    n->right = right;
    n->height = h + 1;
    return (int)e->n_nodes++;
}

static int expr_parse_or(expr_parser *p);

/* A nested expression: parentheses or a function argument. */
static int expr_parse_nested(expr_parser *p)
{
    int r;

    if (++p->depth > ONC_EXPR_MAX_DEPTH) {
        p->depth--;
        return expr_fail(p, ONC_ERR_LIMIT, p->tok.start, "expression too deep",
                         "more than %d levels of nesting", ONC_EXPR_MAX_DEPTH);
    }
    r = expr_parse_or(p);
    p->depth--;
    return r;
}

static int expr_expect(expr_parser *p, tok_kind kind, const char *what)
{
    char found[64];

    if (p->tok.kind == kind) {
        expr_next(p);
        return p->status == ONC_OK ? 0 : -1;
    }
    expr_describe_token(p, found, sizeof found);
    return expr_fail(p, ONC_ERR_PARSE, p->tok.start, "syntax error", "expected %s, found %s",
                     what, found);
}

static int expr_parse_primary(expr_parser *p)
{
    char found[64];
    int node, arg;
    size_t at = p->tok.start;

    switch (p->tok.kind) {
    case TOK_NUMBER:
        node = expr_new_node(p, EXPR_NUMBER, at, -1, -1);
        if (node < 0)
            return -1;
        p->e->nodes[node].number = p->tok.number;
        expr_next(p);
        return p->status == ONC_OK ? node : -1;
    case TOK_TRUE:
    case TOK_FALSE:
        node = expr_new_node(p, EXPR_LOGICAL, at, -1, -1);
        if (node < 0)
            return -1;
        p->e->nodes[node].number = p->tok.kind == TOK_TRUE;
        expr_next(p);
        return p->status == ONC_OK ? node : -1;
    case TOK_STRING:
    case TOK_NAME:
        if (p->tok.kind == TOK_NAME && !p->tok.quoted && expr_followed_by(p, '(')) {
            static const struct { const char *name; expr_kind kind; } fns[] = {
                { "missing", EXPR_MISSING }, { "is.na", EXPR_MISSING }, { "log", EXPR_LOG },
                { "exp", EXPR_EXP }, { "sqrt", EXPR_SQRT }, { "abs", EXPR_ABS }
            };
            size_t k;
            expr_kind fn = EXPR_MISSING;
            for (k = 0; k < sizeof fns / sizeof fns[0]; k++)
                if (strcmp(p->tok.str, fns[k].name) == 0)
                    break;
            if (k == sizeof fns / sizeof fns[0]) {
                char what[128];
                snprintf(what, sizeof what, "unknown function '%.60s'", p->tok.str);
                return expr_fail(p, ONC_ERR_PARSE, at, what,
                                 "expressions know missing(), is.na(), log(), exp(), sqrt() "
                                 "and abs()");
            }
            fn = fns[k].kind;
            expr_next(p);
            if (expr_expect(p, TOK_LPAREN, "'('") < 0)
                return -1;
            arg = expr_parse_nested(p);
            if (arg < 0)
                return -1;
            if (p->tok.kind == TOK_COMMA)
                return expr_fail(p, ONC_ERR_PARSE, p->tok.start, "syntax error",
                                 "the function takes one argument");
            if (expr_expect(p, TOK_RPAREN, "')'") < 0)
                return -1;
            return expr_new_node(p, fn, at, arg, -1);
        }
        node = expr_new_node(p, p->tok.kind == TOK_NAME ? EXPR_COLUMN : EXPR_STRING, at, -1, -1);
        if (node < 0)
            return -1;
        p->e->nodes[node].str = p->tok.str;
        p->tok.str = NULL;
        expr_next(p);
        return p->status == ONC_OK ? node : -1;
    case TOK_LPAREN:
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        node = expr_parse_nested(p);
        if (node < 0)
            return -1;
        if (expr_expect(p, TOK_RPAREN, "')'") < 0)
            return -1;
        return node;
    default:
        break;
    }
    if (p->status != ONC_OK)
        return -1;
    expr_describe_token(p, found, sizeof found);
    if (p->tok.kind == TOK_ASSIGN)
        return expr_fail(p, ONC_ERR_PARSE, at, "syntax error",
                         "unexpected '=' (use '==' to compare)");
    if (p->tok.kind == TOK_OTHER && p->text[at] == '%')
        return expr_fail(p, ONC_ERR_PARSE, at, "syntax error",
                         "unknown operator (the only %%...%% operator is %%in%%)");
    return expr_fail(p, ONC_ERR_PARSE, at, "syntax error",
                     "expected a value (a number, text, column name or '('), found %s", found);
}

static int expr_parse_unary(expr_parser *p)
{
    size_t at = p->tok.start;
    int operand;

    if (p->tok.kind != TOK_MINUS && p->tok.kind != TOK_PLUS)
        return expr_parse_primary(p);
    if (++p->depth > ONC_EXPR_MAX_DEPTH) {
        p->depth--;
        return expr_fail(p, ONC_ERR_LIMIT, at, "expression too deep",
                         "more than %d levels of nesting", ONC_EXPR_MAX_DEPTH);
    }
    if (p->tok.kind == TOK_PLUS) {
        expr_next(p);
        operand = p->status == ONC_OK ? expr_parse_unary(p) : -1;
        p->depth--;
        return operand;
    }
    expr_next(p);
    operand = p->status == ONC_OK ? expr_parse_unary(p) : -1;
    p->depth--;
    if (operand < 0)
        return -1;
    return expr_new_node(p, EXPR_NEG, at, operand, -1);
}

static int expr_parse_mul(expr_parser *p)
{
    int left = expr_parse_unary(p);

    while (left >= 0 && (p->tok.kind == TOK_STAR || p->tok.kind == TOK_SLASH)) {
        expr_kind kind = p->tok.kind == TOK_STAR ? EXPR_MUL : EXPR_DIV;
        size_t at = p->tok.start;
        int right;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        right = expr_parse_unary(p);
        if (right < 0)
            return -1;
        left = expr_new_node(p, kind, at, left, right);
    }
    return left;
}

static int expr_parse_add(expr_parser *p)
{
    int left = expr_parse_mul(p);

    while (left >= 0 && (p->tok.kind == TOK_PLUS || p->tok.kind == TOK_MINUS)) {
        expr_kind kind = p->tok.kind == TOK_PLUS ? EXPR_ADD : EXPR_SUB;
        size_t at = p->tok.start;
        int right;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        right = expr_parse_mul(p);
        if (right < 0)
            return -1;
        left = expr_new_node(p, kind, at, left, right);
    }
    return left;
}

static int expr_add_item(expr_parser *p, const expr_item *item)
{
    onc_expr *e = p->e;

    if (e->n_items == e->cap_items) {
        size_t cap = e->cap_items ? 2 * e->cap_items : 8;
        expr_item *grown = onc_reallocarray(e->items, cap, sizeof *grown);
        if (grown == NULL)
            return expr_nomem(p);
        e->items = grown;
        e->cap_items = cap;
    }
    e->items[e->n_items++] = *item;
    return 0;
}

/* The list after `in` or `%in%`: (a, b), c(a, b), or a single literal. */
static int expr_parse_in(expr_parser *p, int left, size_t at)
{
    char found[64];
    size_t first = p->e->n_items, count = 0;
    int node, listed = 0;

    if (p->tok.kind == TOK_NAME && !p->tok.quoted && strcmp(p->tok.str, "c") == 0 &&
        expr_followed_by(p, '(')) {
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
    }
    if (p->tok.kind == TOK_LPAREN) {
        listed = 1;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        if (p->tok.kind == TOK_RPAREN)
            return expr_fail(p, ONC_ERR_PARSE, p->tok.start, "syntax error", "empty list");
    }
    for (;;) {
        expr_item item;
        double sign = 1.0;
        memset(&item, 0, sizeof item);
        item.offset = p->tok.start;
        if (p->tok.kind == TOK_MINUS || p->tok.kind == TOK_PLUS) {
            sign = p->tok.kind == TOK_MINUS ? -1.0 : 1.0;
            expr_next(p);
            if (p->status != ONC_OK)
                return -1;
            if (p->tok.kind != TOK_NUMBER)
                return expr_fail(p, ONC_ERR_PARSE, p->tok.start, "syntax error",
                                 "expected a number after the sign");
        }
        if (p->tok.kind == TOK_NUMBER) {
            item.number = sign * p->tok.number;
        } else if (p->tok.kind == TOK_STRING) {
            item.is_string = 1;
            item.str = p->tok.str;
            p->tok.str = NULL;
        } else if (p->tok.kind == TOK_TRUE || p->tok.kind == TOK_FALSE) {
            item.is_logical = 1;
            item.number = p->tok.kind == TOK_TRUE;
        } else {
            if (p->status != ONC_OK)
                return -1;
            expr_describe_token(p, found, sizeof found);
            return expr_fail(p, ONC_ERR_PARSE, p->tok.start, "syntax error",
                             "expected a number, a text, TRUE or FALSE in the list, found %s",
                             found);
        }
        if (expr_add_item(p, &item) < 0) {
            free(item.str);
            return -1;
        }
        count++;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        if (!listed || p->tok.kind != TOK_COMMA)
            break;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
    }
    if (listed && expr_expect(p, TOK_RPAREN, "',' or ')'") < 0)
        return -1;
    node = expr_new_node(p, EXPR_IN, at, left, -1);
    if (node < 0)
        return -1;
    p->e->nodes[node].first_item = first;
    p->e->nodes[node].n_items = count;
    return node;
}

static int expr_is_comparison(tok_kind k)
{
    return k == TOK_EQ || k == TOK_NE || k == TOK_LT || k == TOK_LE || k == TOK_GT ||
           k == TOK_GE || k == TOK_IN || k == TOK_PCT_IN;
}

static int expr_parse_comparison(expr_parser *p)
{
    int left = expr_parse_add(p), right;
    size_t at = p->tok.start;
    expr_kind kind;

    if (left < 0 || !expr_is_comparison(p->tok.kind))
        return left;
    switch (p->tok.kind) {
    case TOK_EQ: kind = EXPR_EQ; break;
    case TOK_NE: kind = EXPR_NE; break;
    case TOK_LT: kind = EXPR_LT; break;
    case TOK_LE: kind = EXPR_LE; break;
    case TOK_GT: kind = EXPR_GT; break;
    case TOK_GE: kind = EXPR_GE; break;
    default: kind = EXPR_IN; break;
    }
    expr_next(p);
    if (p->status != ONC_OK)
        return -1;
    if (kind == EXPR_IN) {
        left = expr_parse_in(p, left, at);
    } else {
        right = expr_parse_add(p);
        if (right < 0)
            return -1;
        left = expr_new_node(p, kind, at, left, right);
    }
    if (left >= 0 && expr_is_comparison(p->tok.kind))
        return expr_fail(p, ONC_ERR_PARSE, p->tok.start, "syntax error",
                         "comparisons cannot be chained; join them with &");
    return left;
}

static int expr_parse_not(expr_parser *p)
{
    size_t at = p->tok.start;
    int operand;

    if (p->tok.kind != TOK_NOT)
        return expr_parse_comparison(p);
    if (++p->depth > ONC_EXPR_MAX_DEPTH) {
        p->depth--;
        return expr_fail(p, ONC_ERR_LIMIT, at, "expression too deep",
                         "more than %d levels of nesting", ONC_EXPR_MAX_DEPTH);
    }
    expr_next(p);
    operand = p->status == ONC_OK ? expr_parse_not(p) : -1;
    p->depth--;
    if (operand < 0)
        return -1;
    return expr_new_node(p, EXPR_NOT, at, operand, -1);
}

static int expr_parse_and(expr_parser *p)
{
    int left = expr_parse_not(p);

    while (left >= 0 && p->tok.kind == TOK_AND) {
        size_t at = p->tok.start;
        int right;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        right = expr_parse_not(p);
        if (right < 0)
            return -1;
        left = expr_new_node(p, EXPR_AND, at, left, right);
    }
    return left;
}

static int expr_parse_or(expr_parser *p)
{
    int left = expr_parse_and(p);

    while (left >= 0 && p->tok.kind == TOK_OR) {
        size_t at = p->tok.start;
        int right;
        expr_next(p);
        if (p->status != ONC_OK)
            return -1;
        right = expr_parse_and(p);
        if (right < 0)
            return -1;
        left = expr_new_node(p, EXPR_OR, at, left, right);
    }
    return left;
}

/* ------------------------------------------------------------------ */
/* Normalised text.                                                    */

static int expr_precedence(expr_kind k)
{
    switch (k) {
    case EXPR_OR: return 1;
    case EXPR_AND: return 2;
    case EXPR_NOT: return 3;
    case EXPR_EQ: case EXPR_NE: case EXPR_LT: case EXPR_LE:
    case EXPR_GT: case EXPR_GE: case EXPR_IN: return 4;
    case EXPR_ADD: case EXPR_SUB: return 5;
    case EXPR_MUL: case EXPR_DIV: return 6;
    case EXPR_NEG: return 7;
    default: return 8;
    }
}

/* The shortest decimal text that reads back as exactly v. */
static void expr_format_number(double v, char *buf, size_t cap)
{
    int prec;

    /* Whole numbers as such: 1000, not 1e+03. */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, cap, "%.0f", v);
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void expr_print_string(expr_buf *b, const char *s)
{
    expr_buf_add(b, "\"", 1);
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '"': expr_buf_puts(b, "\\\""); break;
        case '\\': expr_buf_puts(b, "\\\\"); break;
        case '\n': expr_buf_puts(b, "\\n"); break;
        case '\t': expr_buf_puts(b, "\\t"); break;
        case '\r': expr_buf_puts(b, "\\r"); break;
        default: expr_buf_add(b, s, 1); break;
        }
    }
    expr_buf_add(b, "\"", 1);
}

static void expr_print(const onc_expr *e, int node, int min_prec, expr_buf *b)
{
    const expr_node *n = &e->nodes[node];
    int prec = expr_precedence(n->kind);
    char num[40];
    const char *op = NULL;
    size_t k;

    if (prec < min_prec)
        expr_buf_add(b, "(", 1);
    switch (n->kind) {
    case EXPR_NUMBER:
        expr_format_number(n->number, num, sizeof num);
        expr_buf_puts(b, num);
        break;
    case EXPR_LOGICAL:
        expr_buf_puts(b, n->number != 0 ? "TRUE" : "FALSE");
        break;
    case EXPR_STRING:
        expr_print_string(b, n->str);
        break;
    case EXPR_COLUMN: {
        char *q = onc_expr_quote_name(n->str);
        if (q == NULL)
            b->failed = 1;
        else
            expr_buf_puts(b, q);
        free(q);
        break;
    }
    case EXPR_NEG:
        expr_buf_add(b, "-", 1);
        expr_print(e, n->left, 7, b);
        break;
    case EXPR_NOT:
        expr_buf_add(b, "!", 1);
        expr_print(e, n->left, 3, b);
        break;
    case EXPR_MISSING:
    case EXPR_LOG:
    case EXPR_EXP:
    case EXPR_SQRT:
    case EXPR_ABS:
        expr_buf_puts(b, n->kind == EXPR_MISSING ? "is.na(" : n->kind == EXPR_LOG ? "log(" :
                      n->kind == EXPR_EXP ? "exp(" : n->kind == EXPR_SQRT ? "sqrt(" : "abs(");
        expr_print(e, n->left, 0, b);
        expr_buf_add(b, ")", 1);
        break;
    case EXPR_IN:
        expr_print(e, n->left, 5, b);
        expr_buf_puts(b, " %in% c(");
        for (k = 0; k < n->n_items; k++) {
            const expr_item *it = &e->items[n->first_item + k];
            if (k > 0)
                expr_buf_puts(b, ", ");
            if (it->is_string) {
                expr_print_string(b, it->str);
            } else if (it->is_logical) {
                expr_buf_puts(b, it->number != 0 ? "TRUE" : "FALSE");
            } else {
                expr_format_number(it->number, num, sizeof num);
                expr_buf_puts(b, num);
            }
        }
        expr_buf_add(b, ")", 1);
        break;
    default:
        switch (n->kind) {
        case EXPR_OR: op = " | "; break;
        case EXPR_AND: op = " & "; break;
        case EXPR_EQ: op = " == "; break;
        case EXPR_NE: op = " != "; break;
        case EXPR_LT: op = " < "; break;
        case EXPR_LE: op = " <= "; break;
        case EXPR_GT: op = " > "; break;
        case EXPR_GE: op = " >= "; break;
        case EXPR_ADD: op = " + "; break;
        case EXPR_SUB: op = " - "; break;
        case EXPR_MUL: op = " * "; break;
        default: op = " / "; break;
        }
        /* Left-associative operators keep their tree shape by asking more
        ** of the right operand; comparisons do not chain at all. */
        expr_print(e, n->left, prec == 4 ? 5 : prec, b);
        expr_buf_puts(b, op);
        expr_print(e, n->right, prec + 1, b);
        break;
    }
    if (prec < min_prec)
        expr_buf_add(b, ")", 1);
}

/* ------------------------------------------------------------------ */
/* Construction and accessors.                                         */

void onc_expr_free(onc_expr *e)
{
    size_t i;

    if (e == NULL)
        return;
    for (i = 0; i < e->n_nodes; i++)
        free(e->nodes[i].str);
    for (i = 0; i < e->n_items; i++)
        free(e->items[i].str);
    for (i = 0; i < e->n_columns; i++)
        free(e->columns[i]);
    free(e->nodes);
    free(e->items);
    free(e->columns);
    free(e->column_offsets);
    free(e->source);
    free(e->label);
    free(e->text);
    free(e);
}

/* Distinct column references, ordered by where they first appear. */
static onc_status expr_collect_columns(onc_expr *e)
{
    size_t i, j, k;

    e->columns = onc_callocarray(e->n_nodes, sizeof *e->columns);
    e->column_offsets = onc_callocarray(e->n_nodes, sizeof *e->column_offsets);
    if (e->columns == NULL || e->column_offsets == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < e->n_nodes; i++) {
        const expr_node *n = &e->nodes[i];
        int seen = 0;
        if (n->kind != EXPR_COLUMN)
            continue;
        for (j = 0; j < e->n_columns; j++) {
            if (strcmp(e->columns[j], n->str) == 0) {
                seen = 1;
                if (n->offset < e->column_offsets[j])
                    e->column_offsets[j] = n->offset;
                break;
            }
        }
        if (seen)
            continue;
        /* Insert in order of offset. */
        for (k = e->n_columns; k > 0 && e->column_offsets[k - 1] > n->offset; k--) {
            e->columns[k] = e->columns[k - 1];
            e->column_offsets[k] = e->column_offsets[k - 1];
        }
        e->columns[k] = onc_strdup(n->str);
        e->column_offsets[k] = n->offset;
        e->n_columns++;
        if (e->columns[k] == NULL)
            return ONC_ERR_NOMEM;
    }
    /* A name seen again earlier than its first recorded node moves up. */
    for (i = 1; i < e->n_columns; i++) {
        for (k = i; k > 0 && e->column_offsets[k - 1] > e->column_offsets[k]; k--) {
            char *s = e->columns[k];
            size_t o = e->column_offsets[k];
            e->columns[k] = e->columns[k - 1];
            e->column_offsets[k] = e->column_offsets[k - 1];
            e->columns[k - 1] = s;
            e->column_offsets[k - 1] = o;
        }
    }
    return ONC_OK;
}

onc_status onc_expr_parse_at(const char *text, size_t start, const char *label,
                             onc_expr **out, size_t *end, onc_error *err)
{
    expr_parser p;
    onc_expr *e = NULL;
    expr_buf b = { NULL, 0, 0, 0 };
    size_t len;
    onc_status rc;

    *out = NULL;
    if (end != NULL)
        *end = start;
    if (text == NULL || label == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "no expression text");
    len = strlen(text);
    if (len > ONC_EXPR_MAX_LENGTH)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "%s: text is %zu bytes long (at most %d)", label, len,
                             ONC_EXPR_MAX_LENGTH);
    if (start > len)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "%s: start offset beyond the text", label);
    e = calloc(1, sizeof *e);
    if (e == NULL)
        return ONC_ERR_NOMEM;
    e->root = -1;
    e->source = onc_strdup(text);
    e->label = onc_strdup(label);
    if (e->source == NULL || e->label == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    memset(&p, 0, sizeof p);
    p.text = e->source;
    p.pos = start;
    p.label = e->label;
    p.e = e;
    p.err = err;
    expr_next(&p);
    e->start = p.tok.start;
    if (p.status == ONC_OK)
        e->root = expr_parse_nested(&p);
    if (end != NULL)
        *end = p.tok.start;
    free(p.tok.str);
    rc = p.status;
    if (rc == ONC_OK && e->root < 0)
        rc = ONC_ERR_PARSE;
    if (rc != ONC_OK)
        goto cleanup;
    expr_print(e, e->root, 0, &b);
    if (b.failed) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    /* Reports and study plans read the normalised text back. */
    if (b.len > ONC_EXPR_MAX_LENGTH) {
        rc = onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                           "%s: the normalised text would be %zu bytes long (at most %d)",
                           label, b.len, ONC_EXPR_MAX_LENGTH);
        goto cleanup;
    }
    e->text = b.s;
    b.s = NULL;
    rc = expr_collect_columns(e);
cleanup:
    free(b.s);
    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, ONC_ERR_NOMEM, NULL, 0, 0, NULL, "%s: out of memory", label);
    if (rc != ONC_OK) {
        onc_expr_free(e);
        return rc;
    }
    *out = e;
    return ONC_OK;
}

onc_status onc_expr_parse(const char *text, onc_expr **out, onc_error *err)
{
    size_t end;
    onc_status rc = onc_expr_parse_at(text, 0, "expression", out, &end, err);
    const char *t;
    size_t n;

    if (rc != ONC_OK)
        return rc;
    t = text + end;
    if (*t == '\0')
        return ONC_OK;
    onc_expr_free(*out);
    *out = NULL;
    if (*t == '=')
        return onc_expr_error_at(err, ONC_ERR_PARSE, "expression", text, end, "syntax error",
                                 "unexpected '=' (use '==' to compare)");
    for (n = 0; t[n] != '\0' && expr_name_char((unsigned char)t[n]); n++)
        ;
    if ((n == 3 && (strncmp(t, "AND", 3) == 0 || strncmp(t, "And", 3) == 0)) ||
        (n == 2 && (strncmp(t, "OR", 2) == 0 || strncmp(t, "Or", 2) == 0)) ||
        (n == 2 && (strncmp(t, "IN", 2) == 0 || strncmp(t, "In", 2) == 0)))
        return onc_expr_error_at(err, ONC_ERR_PARSE, "expression", text, end, "syntax error",
                                 "unexpected '%.*s' (the operators are lower case: and, or, in)",
                                 (int)n, t);
    if (n == 0)
        n = 1;
    if (n > 40)
        n = 40;
    return onc_expr_error_at(err, ONC_ERR_PARSE, "expression", text, end, "syntax error",
                             "unexpected '%.*s' after a complete expression", (int)n, t);
}

const char *onc_expr_text(const onc_expr *e)
{
    return e != NULL ? e->text : NULL;
}

const char *onc_expr_bare_column(const onc_expr *e)
{
    if (e == NULL || e->root < 0 || e->nodes[e->root].kind != EXPR_COLUMN)
        return NULL;
    return e->nodes[e->root].str;
}

size_t onc_expr_n_columns(const onc_expr *e)
{
    return e != NULL ? e->n_columns : 0;
}

const char *onc_expr_column(const onc_expr *e, size_t i, size_t *offset)
{
    if (e == NULL || i >= e->n_columns)
        return NULL;
    if (offset != NULL)
        *offset = e->column_offsets[i];
    return e->columns[i];
}

size_t onc_expr_offset(const onc_expr *e)
{
    return e != NULL ? e->start : 0;
}

/* ------------------------------------------------------------------ */
/* Evaluation plan.                                                    */

typedef enum expr_vtype { VT_NUMBER, VT_LOGICAL, VT_DATE, VT_FACTOR, VT_STRING } expr_vtype;

typedef enum expr_how {
    HOW_NONE,           /* not planned (a child its parent handles itself) */
    HOW_CONST,          /* every row: constant */
    HOW_COLUMN,         /* numeric column values */
    HOW_TABLE,          /* table[code[i]] for a factor column; NaN when missing */
    HOW_FACTOR_EQ,      /* two factor columns compared by level name */
    HOW_OP              /* an operator over its children */
} expr_how;

typedef struct expr_plan {
    expr_how how;
    double constant;
    const double *num;
    const int32_t *code, *code2;
    size_t n_levels, n_levels2;
    double *table;          /* owned, n_levels */
    int32_t *map;           /* owned: level of code -> level index in code2's factor */
    double *set;            /* owned: sorted numeric items of `in` */
    size_t n_set;
    int negate;
} expr_plan;

typedef struct expr_eval {
    const onc_expr *e;
    const onc_frame *df;
    expr_plan *plans;
    onc_error *err;
} expr_eval;

static onc_status expr_eval_fail(const expr_eval *v, onc_status status, size_t offset,
                                 const char *what, const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static onc_status expr_eval_fail(const expr_eval *v, onc_status status, size_t offset,
                                 const char *what, const char *detail_fmt, ...)
{
    va_list ap;

    va_start(ap, detail_fmt);
    expr_verror_at(v->err, status, v->e->label, v->e->source, offset, what, detail_fmt, ap);
    va_end(ap);
    return status;
}

static onc_status expr_column_of(const expr_eval *v, int node, const onc_column **col)
{
    const expr_node *n = &v->e->nodes[node];
    long idx;
    onc_status rc = onc_expr_find_column(v->df, n->str, v->e->label, v->e->source,
                                         n->offset, &idx, v->err);

    if (rc != ONC_OK)
        return rc;
    *col = &v->df->cols[idx];
    return ONC_OK;
}

static onc_status expr_type_of(const expr_eval *v, int node, expr_vtype *type)
{
    const expr_node *n = &v->e->nodes[node];
    const onc_column *col;
    expr_vtype a, b;
    onc_status rc;

    switch (n->kind) {
    case EXPR_NUMBER: *type = VT_NUMBER; return ONC_OK;
    case EXPR_LOGICAL: *type = VT_LOGICAL; return ONC_OK;
    case EXPR_STRING: *type = VT_STRING; return ONC_OK;
    case EXPR_COLUMN:
        rc = expr_column_of(v, node, &col);
        if (rc != ONC_OK)
            return rc;
        switch (col->type) {
        case ONC_COL_FACTOR: *type = VT_FACTOR; break;
        case ONC_COL_DATE: *type = VT_DATE; break;
        case ONC_COL_LOGICAL: *type = VT_LOGICAL; break;
        default: *type = VT_NUMBER; break;
        }
        return ONC_OK;
    case EXPR_ADD:
    case EXPR_SUB:
        /* Date arithmetic: date +/- days is a date, date - date is days. */
        rc = expr_type_of(v, n->left, &a);
        if (rc == ONC_OK)
            rc = expr_type_of(v, n->right, &b);
        if (rc != ONC_OK)
            return rc;
        if (n->kind == EXPR_ADD)
            *type = (a == VT_DATE) != (b == VT_DATE) ? VT_DATE : VT_NUMBER;
        else
            *type = a == VT_DATE && b != VT_DATE ? VT_DATE : VT_NUMBER;
        return ONC_OK;
    case EXPR_NEG: case EXPR_MUL: case EXPR_DIV:
    case EXPR_LOG: case EXPR_EXP: case EXPR_SQRT: case EXPR_ABS:
        *type = VT_NUMBER;
        return ONC_OK;
    default:
        *type = VT_LOGICAL;
        return ONC_OK;
    }
}

/* Days since 1970-01-01 of a "YYYY-MM-DD" text; 0 on success. */
static int expr_parse_date(const char *s, double *days)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d, i, leap;
    long yy, era, yoe, doy, doe;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !expr_digit((unsigned char)s[i]))
            return -1;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1)
        return -1;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    /* Days from civil (H. Hinnant, "chrono-compatible low-level date
    ** algorithms"), exact for the proleptic Gregorian calendar. */
    yy = m <= 2 ? y - 1 : y;
    era = (yy >= 0 ? yy : yy - 399) / 400;
    yoe = yy - era * 400;
    doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = (double)(era * 146097 + doe - 719468);
    return 0;
}

/* "alive, dead" (the first levels of a factor) for messages. */
static void expr_level_list(const onc_column *col, char *buf, size_t cap)
{
    size_t used = 0, k;

    buf[0] = '\0';
    for (k = 0; k < col->n_levels && used < cap; k++) {
        if (k == 12) {
            snprintf(buf + used, cap - used, ", ... (%zu in all)", col->n_levels);
            return;
        }
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", k ? ", " : "", col->levels[k]);
    }
}

/* Per-level numbers of a factor used as a number; error when none is. */
static onc_status expr_factor_numbers(const expr_eval *v, int node, const onc_column *col,
                                      double **table)
{
    size_t k, n_numeric = 0;
    double *t = onc_mallocarray(col->n_levels, sizeof *t);

    *table = NULL;
    if (t == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < col->n_levels; k++) {
        double x;
        if (col->level_values != NULL)
            x = col->level_values[k];
        else if (onc_parse_double(col->levels[k], strlen(col->levels[k]), '.', &x) != 0)
            x = NAN;
        if (!isfinite(x))
            x = NAN;
        else
            n_numeric++;
        t[k] = x;
    }
    if (n_numeric == 0 && col->n_levels > 0) {
        char levels[300], what[200];
        free(t);
        expr_level_list(col, levels, sizeof levels);
        snprintf(what, sizeof what, "'%s' is a factor without numeric levels", col->name);
        return expr_eval_fail(v, ONC_ERR_DATA, v->e->nodes[node].offset, what,
                              "compare it with a level, e.g. %s == \"%s\" (levels: %s)",
                              col->name, col->levels[0], levels);
    }
    *table = t;
    return ONC_OK;
}

static onc_status expr_plan_numeric(expr_eval *v, int node);

/* A factor column compared with a text or a list: a per-level 0/1 table. */
static onc_status expr_level_index(const expr_eval *v, const onc_column *col, const char *s,
                                   size_t offset, size_t *k)
{
    char levels[300], what[512];

    for (*k = 0; *k < col->n_levels; (*k)++)
        if (strcmp(col->levels[*k], s) == 0)
            return ONC_OK;
    expr_level_list(col, levels, sizeof levels);
    snprintf(what, sizeof what, "'%.80s' is not a level of '%.80s' (levels: %s)", s, col->name,
             levels);
    return expr_eval_fail(v, ONC_ERR_DATA, offset, what, "%s", "");
}

static const char *expr_type_name(expr_vtype t)
{
    switch (t) {
    case VT_NUMBER: return "a number";
    case VT_LOGICAL: return "a logical value";
    case VT_DATE: return "a date";
    case VT_FACTOR: return "a factor";
    default: return "a text";
    }
}

static onc_status expr_text_mismatch(const expr_eval *v, int other, expr_vtype type,
                                     const char *s, size_t offset)
{
    const expr_node *o = &v->e->nodes[other];
    char what[300];

    if (o->kind == EXPR_COLUMN)
        snprintf(what, sizeof what, "cannot compare '%.100s' (%s) with the text \"%.60s\"",
                 o->str, expr_type_name(type), s);
    else
        snprintf(what, sizeof what, "cannot compare %s with the text \"%.60s\"",
                 expr_type_name(type), s);
    return expr_eval_fail(v, ONC_ERR_DATA, offset, what,
                          "write the value without quotes");
}

static int expr_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static onc_status expr_plan_in(expr_eval *v, int node)
{
    const onc_expr *e = v->e;
    const expr_node *n = &e->nodes[node];
    expr_plan *pl = &v->plans[node];
    expr_vtype lt;
    onc_status rc;
    size_t k, j;

    rc = expr_type_of(v, n->left, &lt);
    if (rc != ONC_OK)
        return rc;
    if (lt == VT_FACTOR) {
        const onc_column *col;
        double *numbers = NULL;
        rc = expr_column_of(v, n->left, &col);
        if (rc != ONC_OK)
            return rc;
        pl->how = HOW_TABLE;
        pl->code = col->code;
        pl->n_levels = col->n_levels;
        pl->table = onc_callocarray(col->n_levels, sizeof *pl->table);
        if (pl->table == NULL)
            return ONC_ERR_NOMEM;
        for (k = 0; k < n->n_items; k++) {
            const expr_item *it = &e->items[n->first_item + k];
            if (it->is_string) {
                rc = expr_level_index(v, col, it->str, it->offset, &j);
                if (rc != ONC_OK)
                    break;
                pl->table[j] = 1.0;
                continue;
            }
            if (numbers == NULL) {
                rc = expr_factor_numbers(v, n->left, col, &numbers);
                if (rc != ONC_OK)
                    break;
            }
            for (j = 0; j < col->n_levels; j++)
                if (numbers[j] == it->number)
                    pl->table[j] = 1.0;
        }
        free(numbers);
        return rc;
    }
    if (lt == VT_STRING) {
        /* A text literal on the left: the same answer for every row. */
        pl->how = HOW_CONST;
        pl->constant = 0.0;
        for (k = 0; k < n->n_items; k++) {
            const expr_item *it = &e->items[n->first_item + k];
            if (it->is_string && strcmp(it->str, e->nodes[n->left].str) == 0)
                pl->constant = 1.0;
        }
        return ONC_OK;
    }
    pl->how = HOW_OP;
    pl->set = onc_mallocarray(n->n_items, sizeof *pl->set);
    if (pl->set == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n->n_items; k++) {
        const expr_item *it = &e->items[n->first_item + k];
        double x = it->number;
        if (it->is_string) {
            if (lt != VT_DATE || expr_parse_date(it->str, &x) != 0) {
                if (lt == VT_DATE)
                    return expr_eval_fail(v, ONC_ERR_DATA, it->offset, "not a date",
                                          "\"%.60s\" is not a date written YYYY-MM-DD", it->str);
                return expr_text_mismatch(v, n->left, lt, it->str, it->offset);
            }
        }
        pl->set[pl->n_set++] = x;
    }
    qsort(pl->set, pl->n_set, sizeof *pl->set, expr_cmp_double);
    return expr_plan_numeric(v, n->left);
}

static onc_status expr_plan_comparison(expr_eval *v, int node)
{
    const onc_expr *e = v->e;
    const expr_node *n = &e->nodes[node];
    expr_plan *pl = &v->plans[node];
    expr_vtype lt, rt;
    int equality = n->kind == EXPR_EQ || n->kind == EXPR_NE;
    onc_status rc;

    rc = expr_type_of(v, n->left, &lt);
    if (rc == ONC_OK)
        rc = expr_type_of(v, n->right, &rt);
    if (rc != ONC_OK)
        return rc;
    if (lt == VT_STRING && rt == VT_STRING) {
        int c = strcmp(e->nodes[n->left].str, e->nodes[n->right].str);
        pl->how = HOW_CONST;
        switch (n->kind) {
        case EXPR_EQ: pl->constant = c == 0; break;
        case EXPR_NE: pl->constant = c != 0; break;
        case EXPR_LT: pl->constant = c < 0; break;
        case EXPR_LE: pl->constant = c <= 0; break;
        case EXPR_GT: pl->constant = c > 0; break;
        default: pl->constant = c >= 0; break;
        }
        return ONC_OK;
    }
    if (lt == VT_STRING || rt == VT_STRING) {
        int s_node = lt == VT_STRING ? n->left : n->right;
        int o_node = lt == VT_STRING ? n->right : n->left;
        expr_vtype ot = lt == VT_STRING ? rt : lt;
        const expr_node *s = &e->nodes[s_node];
        if (ot == VT_FACTOR) {
            const onc_column *col;
            size_t k, j;
            if (!equality) {
                char what[200];
                snprintf(what, sizeof what, "the factor '%.100s' has no order",
                         e->nodes[o_node].str);
                return expr_eval_fail(v, ONC_ERR_DATA, n->offset, what,
                                      "compare it with ==, != or %%in%%, or with a number");
            }
            rc = expr_column_of(v, o_node, &col);
            if (rc == ONC_OK)
                rc = expr_level_index(v, col, s->str, s->offset, &k);
            if (rc != ONC_OK)
                return rc;
            pl->how = HOW_TABLE;
            pl->code = col->code;
            pl->n_levels = col->n_levels;
            pl->table = onc_mallocarray(col->n_levels, sizeof *pl->table);
            if (pl->table == NULL)
                return ONC_ERR_NOMEM;
            for (j = 0; j < col->n_levels; j++)
                pl->table[j] = (j == k) == (n->kind == EXPR_EQ);
            return ONC_OK;
        }
        if (ot == VT_DATE) {
            double days;
            if (expr_parse_date(s->str, &days) != 0)
                return expr_eval_fail(v, ONC_ERR_DATA, s->offset, "not a date",
                                      "\"%.60s\" is not a date written YYYY-MM-DD", s->str);
            v->plans[s_node].how = HOW_CONST;
            v->plans[s_node].constant = days;
            pl->how = HOW_OP;
            return expr_plan_numeric(v, o_node);
        }
        return expr_text_mismatch(v, o_node, ot, s->str, s->offset);
    }
    if (lt == VT_FACTOR && rt == VT_FACTOR && equality) {
        const onc_column *a, *b;
        size_t k, j;
        rc = expr_column_of(v, n->left, &a);
        if (rc == ONC_OK)
            rc = expr_column_of(v, n->right, &b);
        if (rc != ONC_OK)
            return rc;
        pl->how = HOW_FACTOR_EQ;
        pl->code = a->code;
        pl->code2 = b->code;
        pl->n_levels = a->n_levels;
        pl->n_levels2 = b->n_levels;
        pl->negate = n->kind == EXPR_NE;
        pl->map = onc_mallocarray(a->n_levels, sizeof *pl->map);
        if (pl->map == NULL)
            return ONC_ERR_NOMEM;
        for (k = 0; k < a->n_levels; k++) {
            pl->map[k] = -1;
            for (j = 0; j < b->n_levels; j++) {
                if (strcmp(a->levels[k], b->levels[j]) == 0) {
                    pl->map[k] = (int32_t)j;
                    break;
                }
            }
        }
        return ONC_OK;
    }
    pl->how = HOW_OP;
    rc = expr_plan_numeric(v, n->left);
    if (rc == ONC_OK)
        rc = expr_plan_numeric(v, n->right);
    return rc;
}

/* Plan node so that evaluating it yields doubles. */
static onc_status expr_plan_numeric(expr_eval *v, int node)
{
    const onc_expr *e = v->e;
    const expr_node *n = &e->nodes[node];
    expr_plan *pl = &v->plans[node];
    const onc_column *col;
    onc_status rc;

    switch (n->kind) {
    case EXPR_NUMBER:
    case EXPR_LOGICAL:
        pl->how = HOW_CONST;
        pl->constant = n->number;
        return ONC_OK;
    case EXPR_STRING:
        return expr_eval_fail(v, ONC_ERR_DATA, n->offset, "text where a value is needed",
                              "\"%.60s\" is neither a number nor a condition; compare a column "
                              "with it, e.g. vital == \"%.60s\"", n->str, n->str);
    case EXPR_COLUMN:
        rc = expr_column_of(v, node, &col);
        if (rc != ONC_OK)
            return rc;
        if (col->type == ONC_COL_FACTOR) {
            pl->how = HOW_TABLE;
            pl->code = col->code;
            pl->n_levels = col->n_levels;
            return expr_factor_numbers(v, node, col, &pl->table);
        }
        pl->how = HOW_COLUMN;
        pl->num = col->num;
        return ONC_OK;
    case EXPR_MISSING: {
        const expr_node *c = &e->nodes[n->left];
        pl->how = HOW_OP;
        if (c->kind == EXPR_STRING) {
            pl->how = HOW_CONST;
            pl->constant = 0.0;
            return ONC_OK;
        }
        if (c->kind == EXPR_COLUMN) {
            rc = expr_column_of(v, n->left, &col);
            if (rc != ONC_OK)
                return rc;
            if (col->type == ONC_COL_FACTOR) {
                /* Presence only: the level values do not matter. */
                expr_plan *cp = &v->plans[n->left];
                cp->how = HOW_TABLE;
                cp->code = col->code;
                cp->n_levels = col->n_levels;
                cp->table = onc_callocarray(col->n_levels, sizeof *cp->table);
                return cp->table == NULL ? ONC_ERR_NOMEM : ONC_OK;
            }
        }
        return expr_plan_numeric(v, n->left);
    }
    case EXPR_NEG:
    case EXPR_NOT:
    case EXPR_LOG:
    case EXPR_EXP:
    case EXPR_SQRT:
    case EXPR_ABS:
        pl->how = HOW_OP;
        return expr_plan_numeric(v, n->left);
    case EXPR_IN:
        return expr_plan_in(v, node);
    case EXPR_EQ: case EXPR_NE: case EXPR_LT: case EXPR_LE: case EXPR_GT: case EXPR_GE:
        return expr_plan_comparison(v, node);
    default:
        pl->how = HOW_OP;
        rc = expr_plan_numeric(v, n->left);
        if (rc == ONC_OK)
            rc = expr_plan_numeric(v, n->right);
        return rc;
    }
}

static int expr_in_set(const double *set, size_t n, double x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && set[lo] == x;
}

/* Evaluate rows [i0, i0+len) of node into out; scratch holds one block
** per tree level from `level` down. */
static void expr_run(const expr_eval *v, int node, size_t i0, size_t len, double *out,
                     double *scratch, size_t level)
{
    const expr_node *n = &v->e->nodes[node];
    const expr_plan *pl = &v->plans[node];
    double *tmp;
    size_t i;

    switch (pl->how) {
    case HOW_NONE:
    case HOW_CONST:
        for (i = 0; i < len; i++)
            out[i] = pl->constant;
        return;
    case HOW_COLUMN:
        memcpy(out, pl->num + i0, len * sizeof *out);
        return;
    case HOW_TABLE:
        for (i = 0; i < len; i++) {
            int32_t c = pl->code[i0 + i];
            out[i] = (c < 0 || (size_t)c >= pl->n_levels) ? NAN : pl->table[c];
        }
        return;
    case HOW_FACTOR_EQ:
        for (i = 0; i < len; i++) {
            int32_t a = pl->code[i0 + i], b = pl->code2[i0 + i];
            if (a < 0 || b < 0 || (size_t)a >= pl->n_levels || (size_t)b >= pl->n_levels2)
                out[i] = NAN;
            else
                out[i] = (pl->map[a] == b) != pl->negate;
        }
        return;
    case HOW_OP:
        break;
    }

    expr_run(v, n->left, i0, len, out, scratch, level);
    switch (n->kind) {
    case EXPR_NEG:
        for (i = 0; i < len; i++)
            out[i] = -out[i];
        return;
    case EXPR_NOT:
        for (i = 0; i < len; i++)
            out[i] = isnan(out[i]) ? NAN : (out[i] == 0);
        return;
    case EXPR_MISSING:
        for (i = 0; i < len; i++)
            out[i] = isnan(out[i]) != 0;
        return;
    case EXPR_LOG:
        /* log(0) is -Inf in R; here, as for any non-finite result, missing. */
        for (i = 0; i < len; i++)
            out[i] = out[i] > 0 ? log(out[i]) : NAN;
        return;
    case EXPR_EXP:
        for (i = 0; i < len; i++) {
            double r = exp(out[i]);
            out[i] = isfinite(r) ? r : NAN;
        }
        return;
    case EXPR_SQRT:
        for (i = 0; i < len; i++)
            out[i] = out[i] >= 0 ? sqrt(out[i]) : NAN;
        return;
    case EXPR_ABS:
        for (i = 0; i < len; i++)
            out[i] = fabs(out[i]);
        return;
    case EXPR_IN:
        for (i = 0; i < len; i++)
            out[i] = isnan(out[i]) ? NAN : expr_in_set(pl->set, pl->n_set, out[i]);
        return;
    default:
        break;
    }

    tmp = scratch + level * EXPR_BLOCK;
    expr_run(v, n->right, i0, len, tmp, scratch, level + 1);
    switch (n->kind) {
    case EXPR_AND:
        /* R: FALSE wins over NA, NA over TRUE. */
        for (i = 0; i < len; i++) {
            double a = out[i], b = tmp[i];
            if ((!isnan(a) && a == 0) || (!isnan(b) && b == 0))
                out[i] = 0;
            else
                out[i] = (isnan(a) || isnan(b)) ? NAN : 1;
        }
        break;
    case EXPR_OR:
        for (i = 0; i < len; i++) {
            double a = out[i], b = tmp[i];
            if ((!isnan(a) && a != 0) || (!isnan(b) && b != 0))
                out[i] = 1;
            else
                out[i] = (isnan(a) || isnan(b)) ? NAN : 0;
        }
        break;
    case EXPR_ADD:
        for (i = 0; i < len; i++) {
            double r = out[i] + tmp[i];
            out[i] = isfinite(r) ? r : NAN;
        }
        break;
    case EXPR_SUB:
        for (i = 0; i < len; i++) {
            double r = out[i] - tmp[i];
            out[i] = isfinite(r) ? r : NAN;
        }
        break;
    case EXPR_MUL:
        for (i = 0; i < len; i++) {
            double r = out[i] * tmp[i];
            out[i] = isfinite(r) ? r : NAN;
        }
        break;
    case EXPR_DIV:
        for (i = 0; i < len; i++) {
            double r = tmp[i] != 0 ? out[i] / tmp[i] : NAN;
            out[i] = isfinite(r) ? r : NAN;
        }
        break;
    case EXPR_EQ:
        for (i = 0; i < len; i++)
            out[i] = (isnan(out[i]) || isnan(tmp[i])) ? NAN : out[i] == tmp[i];
        break;
    case EXPR_NE:
        for (i = 0; i < len; i++)
            out[i] = (isnan(out[i]) || isnan(tmp[i])) ? NAN : out[i] != tmp[i];
        break;
    case EXPR_LT:
        for (i = 0; i < len; i++)
            out[i] = (isnan(out[i]) || isnan(tmp[i])) ? NAN : out[i] < tmp[i];
        break;
    case EXPR_LE:
        for (i = 0; i < len; i++)
            out[i] = (isnan(out[i]) || isnan(tmp[i])) ? NAN : out[i] <= tmp[i];
        break;
    case EXPR_GT:
        for (i = 0; i < len; i++)
            out[i] = (isnan(out[i]) || isnan(tmp[i])) ? NAN : out[i] > tmp[i];
        break;
    case EXPR_GE:
        for (i = 0; i < len; i++)
            out[i] = (isnan(out[i]) || isnan(tmp[i])) ? NAN : out[i] >= tmp[i];
        break;
    default:
        break;
    }
}

onc_status onc_expr_eval(const onc_expr *e, const onc_frame *df, double *result,
                         onc_error *err)
{
    expr_eval v;
    double *scratch = NULL;
    onc_status rc;
    size_t i, height;

    if (e == NULL || df == NULL || (result == NULL && df->n_rows > 0))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_expr_eval: missing expression, frame or result");
    memset(&v, 0, sizeof v);
    v.e = e;
    v.df = df;
    v.err = err;
    v.plans = onc_callocarray(e->n_nodes, sizeof *v.plans);
    height = e->nodes[e->root].height;
    scratch = onc_mallocarray(height, EXPR_BLOCK * sizeof *scratch);
    if (v.plans == NULL || scratch == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if (e->nodes[e->root].kind == EXPR_STRING) {
        rc = expr_eval_fail(&v, ONC_ERR_DATA, e->nodes[e->root].offset,
                            "text where a value is needed",
                            "an expression must give a number or a condition");
        goto cleanup;
    }
    rc = expr_plan_numeric(&v, e->root);
    if (rc != ONC_OK)
        goto cleanup;
    for (i = 0; i < df->n_rows; i += EXPR_BLOCK) {
        size_t len = df->n_rows - i < EXPR_BLOCK ? df->n_rows - i : EXPR_BLOCK;
        expr_run(&v, e->root, i, len, result + i, scratch, 0);
    }
cleanup:
    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, rc, NULL, 0, 0, NULL, "%s: out of memory evaluating %s",
                      e->label, e->text);
    if (v.plans != NULL) {
        for (i = 0; i < e->n_nodes; i++) {
            free(v.plans[i].table);
            free(v.plans[i].map);
            free(v.plans[i].set);
        }
    }
    free(v.plans);
    free(scratch);
    return rc;
}

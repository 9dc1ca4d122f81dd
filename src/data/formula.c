/*
** formula.c -- parse R-style model formulas into terms.
**
** The left side is read with the expression parser (every Surv() argument
** is an expression).  The right side is R's term algebra: each operand
** evaluates to an ordered set of terms, a term being a set of variables.
**     A + B   terms of A, then those of B not already present
**     A : B   for each a in A, for each b in B: a united with b
**     A * B   A + B + A:B
** Variables are numbered in order of first appearance, and a term keeps
** its variables sorted by that number; this is how R's terms.formula names
** `b:a + a` as "a" and "b:a".  Terms are finally ordered by interaction
** order, stably, as R does with keep.order = FALSE.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/formula.h"
#include "core/internal.h"

#define FORMULA_LABEL "formula"
/* Terms generated while expanding, all operations together.  A formula
** that ends with ONC_FORMULA_MAX_TERMS terms needs far fewer; the cap keeps
** a hostile text from costing more than a fraction of a second. */
#define FORMULA_MAX_WORK (16 * ONC_FORMULA_MAX_TERMS)

/* A term while parsing: sorted indices into the parser's variable table. */
typedef struct formula_set_term {
    size_t order;
    size_t var[ONC_FORMULA_MAX_ORDER];
} formula_set_term;

typedef struct formula_set {
    formula_set_term *t;
    size_t n, cap;
} formula_set;

typedef enum formula_tok_kind {
    FT_END, FT_NAME, FT_NUMBER, FT_LPAREN, FT_RPAREN, FT_COMMA,
    FT_PLUS, FT_MINUS, FT_STAR, FT_COLON, FT_TILDE, FT_OTHER
} formula_tok_kind;

typedef struct formula_tok {
    formula_tok_kind kind;
    size_t start, end;
    char *name;             /* FT_NAME, owned */
    int quoted;
} formula_tok;

/* What an operand of `:` or `*` turned out to be. */
typedef enum formula_operand { FO_TERMS, FO_SPECIAL, FO_INTERCEPT } formula_operand;

typedef struct formula_parser {
    const char *text;
    size_t pos;
    onc_formula *f;
    onc_formula_variable *vars;     /* every distinct (name, as_factor) */
    size_t n_vars, cap_vars;
    size_t depth;
    size_t work;            /* terms generated so far */
    onc_status status;
    onc_error *err;
} formula_parser;

static int formula_fail(formula_parser *p, onc_status status, size_t offset,
                        const char *what, const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int formula_fail(formula_parser *p, onc_status status, size_t offset,
                        const char *what, const char *detail_fmt, ...)
{
    char detail[400];
    va_list ap;

    if (p->status != ONC_OK)
        return -1;
    p->status = status;
    if (status == ONC_ERR_NOMEM) {
        onc_error_set(p->err, status, NULL, 0, 0, NULL, "formula: out of memory");
        return -1;
    }
    va_start(ap, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, ap);
    va_end(ap);
    onc_expr_error_at(p->err, status, FORMULA_LABEL, p->text, offset, what, "%s", detail);
    return -1;
}

static int formula_nomem(formula_parser *p)
{
    return formula_fail(p, ONC_ERR_NOMEM, 0, "", "%s", "");
}

static size_t formula_skip(const char *t, size_t i)
{
    while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '\f' ||
           t[i] == '\v')
        i++;
    return i;
}

/* Read the token at p->pos without consuming it. */
static int formula_peek(formula_parser *p, formula_tok *tok)
{
    const char *t = p->text;
    size_t i = formula_skip(t, p->pos), len;
    char *name;
    onc_status rc;

    memset(tok, 0, sizeof *tok);
    tok->start = i;
    tok->end = i + 1;
    switch (t[i]) {
    case '\0': tok->kind = FT_END; tok->end = i; return 0;
    case '(': tok->kind = FT_LPAREN; return 0;
    case ')': tok->kind = FT_RPAREN; return 0;
    case ',': tok->kind = FT_COMMA; return 0;
    case '+': tok->kind = FT_PLUS; return 0;
    case '-': tok->kind = FT_MINUS; return 0;
    case '*': tok->kind = FT_STAR; return 0;
    case ':': tok->kind = FT_COLON; return 0;
    case '~': tok->kind = FT_TILDE; return 0;
    default: break;
    }
    if (t[i] >= '0' && t[i] <= '9') {
        tok->kind = FT_NUMBER;
        while ((t[tok->end] >= '0' && t[tok->end] <= '9') || t[tok->end] == '.')
            tok->end++;
        return 0;
    }
    rc = onc_expr_scan_name(t, i, FORMULA_LABEL, &len, &name, p->err);
    if (rc != ONC_OK) {
        p->status = rc;
        return -1;
    }
    if (len == 0) {
        tok->kind = FT_OTHER;
        while (((unsigned char)t[tok->end] & 0xC0) == 0x80)
            tok->end++;
        return 0;
    }
    tok->kind = FT_NAME;
    tok->end = i + len;
    tok->name = name;
    tok->quoted = t[i] == '`';
    return 0;
}

static void formula_consume(formula_parser *p, formula_tok *tok)
{
    p->pos = tok->end;
    free(tok->name);
    tok->name = NULL;
}

static int formula_describe(const formula_parser *p, const formula_tok *tok, char *buf, size_t cap)
{
    size_t n = tok->end - tok->start;

    if (tok->kind == FT_END)
        return snprintf(buf, cap, "the end of the formula");
    if (n > 40)
        n = 40;
    return snprintf(buf, cap, "'%.*s'", (int)n, p->text + tok->start);
}

/* Expect a token of `kind`; consumes it. */
static int formula_expect(formula_parser *p, formula_tok_kind kind, const char *what)
{
    formula_tok tok;
    char found[64];

    if (formula_peek(p, &tok) < 0)
        return -1;
    if (tok.kind == kind) {
        formula_consume(p, &tok);
        return 0;
    }
    formula_describe(p, &tok, found, sizeof found);
    free(tok.name);
    return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error", "expected %s, found %s",
                        what, found);
}

/* Index of variable (name, as_factor), added on first appearance. */
static int formula_variable(formula_parser *p, const char *name, int as_factor, size_t offset,
                            size_t *index)
{
    size_t k;

    for (k = 0; k < p->n_vars; k++) {
        if (p->vars[k].as_factor == as_factor && strcmp(p->vars[k].name, name) == 0) {
            *index = k;
            return 0;
        }
    }
    if (p->n_vars == p->cap_vars) {
        size_t cap = p->cap_vars ? 2 * p->cap_vars : 8;
        onc_formula_variable *grown = onc_reallocarray(p->vars, cap, sizeof *grown);
        if (grown == NULL)
            return formula_nomem(p);
        p->vars = grown;
        p->cap_vars = cap;
    }
    p->vars[p->n_vars].name = onc_strdup(name);
    if (p->vars[p->n_vars].name == NULL)
        return formula_nomem(p);
    p->vars[p->n_vars].as_factor = as_factor;
    p->vars[p->n_vars].offset = offset;
    *index = p->n_vars++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Term sets.                                                          */

static int formula_same_term(const formula_set_term *a, const formula_set_term *b)
{
    return a->order == b->order && memcmp(a->var, b->var, a->order * sizeof a->var[0]) == 0;
}

static int formula_set_add(formula_parser *p, formula_set *s, const formula_set_term *t,
                           size_t offset)
{
    size_t k;

    if (++p->work > FORMULA_MAX_WORK)
        return formula_fail(p, ONC_ERR_LIMIT, offset, "formula too complex",
                            "its expansion generates more than %d terms", FORMULA_MAX_WORK);
    for (k = 0; k < s->n; k++)
        if (formula_same_term(&s->t[k], t))
            return 0;
    if (s->n >= ONC_FORMULA_MAX_TERMS)
        return formula_fail(p, ONC_ERR_LIMIT, offset, "too many terms",
                            "the formula expands to more than %d terms",
                            ONC_FORMULA_MAX_TERMS);
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4;
        formula_set_term *grown = onc_reallocarray(s->t, cap, sizeof *grown);
        if (grown == NULL)
            return formula_nomem(p);
        s->t = grown;
        s->cap = cap;
    }
    s->t[s->n++] = *t;
    return 0;
}

/* a = a + b */
static int formula_set_union(formula_parser *p, formula_set *a, const formula_set *b,
                             size_t offset)
{
    size_t k;

    for (k = 0; k < b->n; k++)
        if (formula_set_add(p, a, &b->t[k], offset) < 0)
            return -1;
    return 0;
}

/* out = a : b */
static int formula_set_interact(formula_parser *p, const formula_set *a, const formula_set *b,
                                formula_set *out, size_t offset)
{
    size_t i, j;

    for (i = 0; i < a->n; i++) {
        for (j = 0; j < b->n; j++) {
            const formula_set_term *x = &a->t[i], *y = &b->t[j];
            formula_set_term m;
            size_t u = 0, v = 0;
            m.order = 0;
            while (u < x->order || v < y->order) {
                size_t next;
                if (v >= y->order || (u < x->order && x->var[u] < y->var[v]))
                    next = x->var[u++];
                else if (u >= x->order || y->var[v] < x->var[u])
                    next = y->var[v++];
                else {
                    next = x->var[u++];
                    v++;
                }
                if (m.order == ONC_FORMULA_MAX_ORDER)
                    return formula_fail(p, ONC_ERR_LIMIT, offset, "interaction too large",
                                        "more than %d variables in one interaction",
                                        ONC_FORMULA_MAX_ORDER);
                m.var[m.order++] = next;
            }
            if (formula_set_add(p, out, &m, offset) < 0)
                return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Right-hand side.                                                    */

static int formula_sum(formula_parser *p, formula_set *out, int top);

static const char *formula_operand_name(formula_operand k)
{
    return k == FO_INTERCEPT ? "the intercept 1" : "strata(), cluster() or offset()";
}

/* Names inside strata(...): one or more, comma separated. */
static int formula_strata(formula_parser *p)
{
    onc_formula *f = p->f;

    for (;;) {
        formula_tok tok;
        char found[64];
        size_t k;
        int seen = 0;
        if (formula_peek(p, &tok) < 0)
            return -1;
        if (tok.kind != FT_NAME) {
            formula_describe(p, &tok, found, sizeof found);
            return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error",
                                "expected a column name in strata(), found %s", found);
        }
        for (k = 0; k < f->n_strata; k++)
            if (strcmp(f->strata[k].name, tok.name) == 0)
                seen = 1;
        if (!seen) {
            onc_formula_variable *grown =
                onc_reallocarray(f->strata, f->n_strata + 1, sizeof *grown);
            if (grown == NULL) {
                free(tok.name);
                return formula_nomem(p);
            }
            f->strata = grown;
            f->strata[f->n_strata].name = tok.name;
            f->strata[f->n_strata].as_factor = 0;
            f->strata[f->n_strata].offset = tok.start;
            f->n_strata++;
            tok.name = NULL;
        }
        formula_consume(p, &tok);
        if (formula_peek(p, &tok) < 0)
            return -1;
        if (tok.kind == FT_COMMA) {
            formula_consume(p, &tok);
            continue;
        }
        free(tok.name);
        return formula_expect(p, FT_RPAREN, "',' or ')'");
    }
}

/* A name with '(' after it: factor(), strata(), cluster(), offset(). */
static int formula_call(formula_parser *p, formula_tok *fn, formula_set *out,
                        formula_operand *kind, int top)
{
    static const char *const known[] = { "factor", "strata", "cluster", "offset" };
    onc_formula *f = p->f;
    formula_tok tok;
    char found[64];
    size_t at = fn->start, index, which;
    int is_factor;

    for (which = 0; which < 4; which++)
        if (strcmp(fn->name, known[which]) == 0)
            break;
    if (which == 4) {
        char what[128];
        snprintf(what, sizeof what, "unsupported function '%.60s'", fn->name);
        if (strcmp(fn->name, "Surv") == 0)
            return formula_fail(p, ONC_ERR_PARSE, at, what,
                                "Surv() belongs on the left of '~'");
        return formula_fail(p, ONC_ERR_PARSE, at, what,
                            "formula terms know factor(), strata(), cluster() and offset(); "
                            "compute other variables in the data first");
    }
    is_factor = which == 0;
    if (!is_factor && !top) {
        char what[128];
        snprintf(what, sizeof what, "%s() inside parentheses", known[which]);
        return formula_fail(p, ONC_ERR_PARSE, at, what, "%s() must be a term of its own",
                            known[which]);
    }
    formula_consume(p, fn);
    if (formula_expect(p, FT_LPAREN, "'('") < 0)
        return -1;
    *kind = FO_SPECIAL;
    if (which == 1)
        return formula_strata(p);
    if (which == 3) {
        onc_expr *e;
        size_t end;
        onc_status rc;
        if (f->offset != NULL)
            return formula_fail(p, ONC_ERR_PARSE, at, "second offset()",
                                "a formula takes one offset(); add the variables in it");
        rc = onc_expr_parse_at(p->text, p->pos, FORMULA_LABEL, &e, &end, p->err);
        if (rc != ONC_OK) {
            p->status = rc;
            return -1;
        }
        f->offset = e;
        p->pos = end;
        return formula_expect(p, FT_RPAREN, "')'");
    }
    if (formula_peek(p, &tok) < 0)
        return -1;
    if (tok.kind != FT_NAME) {
        formula_describe(p, &tok, found, sizeof found);
        return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error",
                            "expected a column name in %s(), found %s", is_factor ? "factor" :
                            "cluster", found);
    }
    if (is_factor) {
        formula_set_term t;
        if (formula_variable(p, tok.name, 1, tok.start, &index) < 0) {
            free(tok.name);
            return -1;
        }
        formula_consume(p, &tok);
        t.order = 1;
        t.var[0] = index;
        *kind = FO_TERMS;
        if (formula_set_add(p, out, &t, at) < 0)
            return -1;
    } else {
        if (f->cluster != NULL) {
            free(tok.name);
            return formula_fail(p, ONC_ERR_PARSE, at, "second cluster()",
                                "a formula takes one cluster() variable");
        }
        f->cluster = calloc(1, sizeof *f->cluster);
        if (f->cluster == NULL) {
            free(tok.name);
            return formula_nomem(p);
        }
        f->cluster->name = tok.name;
        f->cluster->offset = tok.start;
        tok.name = NULL;
        formula_consume(p, &tok);
    }
    if (formula_peek(p, &tok) < 0)
        return -1;
    if (tok.kind == FT_COMMA) {
        free(tok.name);
        return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error",
                            "%s() takes one column name", is_factor ? "factor" : "cluster");
    }
    free(tok.name);
    return formula_expect(p, FT_RPAREN, "')'");
}

static int formula_atom(formula_parser *p, formula_set *out, formula_operand *kind, int top)
{
    formula_tok tok;
    char found[64];
    size_t index;

    *kind = FO_TERMS;
    if (formula_peek(p, &tok) < 0)
        return -1;
    switch (tok.kind) {
    case FT_NAME:
        if (!tok.quoted && p->text[formula_skip(p->text, tok.end)] == '(') {
            int r = formula_call(p, &tok, out, kind, top);
            free(tok.name);
            return r;
        }
        if (!tok.quoted && strcmp(tok.name, ".") == 0) {
            free(tok.name);
            return formula_fail(p, ONC_ERR_PARSE, tok.start, "'.' is not supported",
                                "list the variables");
        }
        if (formula_variable(p, tok.name, 0, tok.start, &index) < 0) {
            free(tok.name);
            return -1;
        }
        formula_consume(p, &tok);
        {
            formula_set_term t;
            t.order = 1;
            t.var[0] = index;
            return formula_set_add(p, out, &t, tok.start);
        }
    case FT_NUMBER:
        if (tok.end - tok.start == 1 && p->text[tok.start] == '1') {
            if (!top)
                return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error",
                                    "the intercept 1 must be a term of its own");
            formula_consume(p, &tok);
            *kind = FO_INTERCEPT;
            return 0;
        }
        if (tok.end - tok.start == 1 && p->text[tok.start] == '0')
            return formula_fail(p, ONC_ERR_PARSE, tok.start, "removing the intercept",
                                "0 and - 1 are not supported; models always have one");
        formula_describe(p, &tok, found, sizeof found);
        return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error",
                            "unexpected number %s (only 1, the intercept, may be a term)", found);
    case FT_LPAREN:
        if (++p->depth > ONC_EXPR_MAX_DEPTH)
            return formula_fail(p, ONC_ERR_LIMIT, tok.start, "formula too deep",
                                "more than %d levels of parentheses", ONC_EXPR_MAX_DEPTH);
        formula_consume(p, &tok);
        if (formula_sum(p, out, 0) < 0)
            return -1;
        p->depth--;
        return formula_expect(p, FT_RPAREN, "')'");
    case FT_MINUS:
        return formula_fail(p, ONC_ERR_PARSE, tok.start, "removing terms",
                            "'-' (as in - 1 or - x) is not supported; leave the term out");
    default:
        break;
    }
    formula_describe(p, &tok, found, sizeof found);
    if (tok.kind == FT_OTHER && p->text[tok.start] == '^')
        return formula_fail(p, ONC_ERR_PARSE, tok.start, "'^' is not supported",
                            "write the interactions out, e.g. a*b*c or a + b + a:b");
    return formula_fail(p, ONC_ERR_PARSE, tok.start, "syntax error",
                        "expected a term (a column name, factor(x), strata(x), cluster(x), "
                        "offset(x) or 1), found %s", found);
}

static int formula_binary_check(formula_parser *p, formula_operand kind, size_t at, char op)
{
    char what[64];

    if (kind == FO_TERMS)
        return 0;
    snprintf(what, sizeof what, "'%c' with %s", op, formula_operand_name(kind));
    return formula_fail(p, ONC_ERR_PARSE, at, what,
                        "%s cannot be part of an interaction", formula_operand_name(kind));
}

static int formula_inter(formula_parser *p, formula_set *out, formula_operand *kind, int top)
{
    formula_tok tok;

    if (formula_atom(p, out, kind, top) < 0)
        return -1;
    for (;;) {
        formula_set right = { NULL, 0, 0 }, merged = { NULL, 0, 0 };
        formula_operand rkind;
        int r;
        if (formula_peek(p, &tok) < 0)
            return -1;
        if (tok.kind != FT_COLON) {
            free(tok.name);
            return 0;
        }
        if (formula_binary_check(p, *kind, tok.start, ':') < 0)
            return -1;
        formula_consume(p, &tok);
        r = formula_atom(p, &right, &rkind, top);
        if (r == 0)
            r = formula_binary_check(p, rkind, tok.start, ':');
        if (r == 0)
            r = formula_set_interact(p, out, &right, &merged, tok.start);
        free(right.t);
        if (r < 0) {
            free(merged.t);
            return -1;
        }
        free(out->t);
        *out = merged;
    }
}

static int formula_prod(formula_parser *p, formula_set *out, formula_operand *kind, int top)
{
    formula_tok tok;

    if (formula_inter(p, out, kind, top) < 0)
        return -1;
    for (;;) {
        formula_set right = { NULL, 0, 0 }, both = { NULL, 0, 0 };
        formula_operand rkind;
        int r;
        if (formula_peek(p, &tok) < 0)
            return -1;
        if (tok.kind != FT_STAR) {
            free(tok.name);
            return 0;
        }
        if (formula_binary_check(p, *kind, tok.start, '*') < 0)
            return -1;
        formula_consume(p, &tok);
        r = formula_inter(p, &right, &rkind, top);
        if (r == 0)
            r = formula_binary_check(p, rkind, tok.start, '*');
        if (r == 0)
            r = formula_set_interact(p, out, &right, &both, tok.start);
        if (r == 0)
            r = formula_set_union(p, out, &right, tok.start);
        if (r == 0)
            r = formula_set_union(p, out, &both, tok.start);
        free(right.t);
        free(both.t);
        if (r < 0)
            return -1;
    }
}

static int formula_sum(formula_parser *p, formula_set *out, int top)
{
    formula_tok tok;
    formula_operand kind;

    if (formula_prod(p, out, &kind, top) < 0)
        return -1;
    for (;;) {
        formula_set right = { NULL, 0, 0 };
        int r;
        if (formula_peek(p, &tok) < 0)
            return -1;
        if (tok.kind == FT_MINUS)
            return formula_fail(p, ONC_ERR_PARSE, tok.start, "removing terms",
                                "'-' (as in - 1 or - x) is not supported; leave the term out");
        if (tok.kind != FT_PLUS) {
            free(tok.name);
            return 0;
        }
        formula_consume(p, &tok);
        r = formula_prod(p, &right, &kind, top);
        if (r == 0)
            r = formula_set_union(p, out, &right, tok.start);
        free(right.t);
        if (r < 0)
            return -1;
    }
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */

typedef struct formula_buf {
    char *s;
    size_t len, cap;
    int failed;
} formula_buf;

static void formula_puts(formula_buf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *grown = realloc(b->s, cap);
        if (grown == NULL) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

/* "arm", "factor(ecog)", "`vital status`" */
static void formula_put_variable(formula_buf *b, const onc_formula_variable *v)
{
    char *q = onc_expr_quote_name(v->name);

    if (q == NULL) {
        b->failed = 1;
        return;
    }
    if (v->as_factor)
        formula_puts(b, "factor(");
    formula_puts(b, q);
    if (v->as_factor)
        formula_puts(b, ")");
    free(q);
}

static onc_status formula_build_terms(formula_parser *p, const formula_set *s)
{
    onc_formula *f = p->f;
    size_t order, k, j, n = 0;

    f->terms = onc_callocarray(s->n, sizeof *f->terms);
    if (f->terms == NULL)
        return ONC_ERR_NOMEM;
    for (order = 1; order <= ONC_FORMULA_MAX_ORDER; order++) {
        for (k = 0; k < s->n; k++) {
            const formula_set_term *st = &s->t[k];
            onc_formula_term *t;
            formula_buf b = { NULL, 0, 0, 0 };
            if (st->order != order)
                continue;
            t = &f->terms[n++];
            f->n_terms = n;
            t->order = order;
            t->vars = onc_callocarray(order, sizeof *t->vars);
            if (t->vars == NULL)
                return ONC_ERR_NOMEM;
            for (j = 0; j < order; j++) {
                const onc_formula_variable *v = &p->vars[st->var[j]];
                t->vars[j] = *v;
                t->vars[j].name = onc_strdup(v->name);
                if (t->vars[j].name == NULL)
                    return ONC_ERR_NOMEM;
                if (j > 0)
                    formula_puts(&b, ":");
                formula_put_variable(&b, v);
            }
            if (b.failed) {
                free(b.s);
                return ONC_ERR_NOMEM;
            }
            t->label = b.s;
        }
    }
    return ONC_OK;
}

static onc_status formula_build_text(onc_formula *f)
{
    formula_buf b = { NULL, 0, 0, 0 };
    size_t k, parts = 0;

    if (f->kind == ONC_RESPONSE_SURV || f->kind == ONC_RESPONSE_COUNTING) {
        formula_puts(&b, "Surv(");
        for (k = 0; k < f->n_response; k++) {
            if (k > 0)
                formula_puts(&b, ", ");
            formula_puts(&b, onc_expr_text(f->response[k]));
        }
        formula_puts(&b, ") ~ ");
    } else if (f->kind == ONC_RESPONSE_VALUE) {
        formula_puts(&b, onc_expr_text(f->response[0]));
        formula_puts(&b, " ~ ");
    } else {
        formula_puts(&b, "~ ");
    }
    for (k = 0; k < f->n_terms; k++, parts++) {
        if (parts > 0)
            formula_puts(&b, " + ");
        formula_puts(&b, f->terms[k].label);
    }
    if (f->n_strata > 0) {
        if (parts++ > 0)
            formula_puts(&b, " + ");
        formula_puts(&b, "strata(");
        for (k = 0; k < f->n_strata; k++) {
            if (k > 0)
                formula_puts(&b, ", ");
            formula_put_variable(&b, &f->strata[k]);
        }
        formula_puts(&b, ")");
    }
    if (f->cluster != NULL) {
        if (parts++ > 0)
            formula_puts(&b, " + ");
        formula_puts(&b, "cluster(");
        formula_put_variable(&b, f->cluster);
        formula_puts(&b, ")");
    }
    if (f->offset != NULL) {
        if (parts++ > 0)
            formula_puts(&b, " + ");
        formula_puts(&b, "offset(");
        formula_puts(&b, onc_expr_text(f->offset));
        formula_puts(&b, ")");
    }
    if (parts == 0)
        formula_puts(&b, "1");
    if (b.failed) {
        free(b.s);
        return ONC_ERR_NOMEM;
    }
    f->text = b.s;
    return ONC_OK;
}

/* ------------------------------------------------------------------ */
/* Left-hand side and the whole formula.                               */

static int formula_add_response(formula_parser *p, onc_expr *e)
{
    onc_formula *f = p->f;
    onc_expr **grown = onc_reallocarray(f->response, f->n_response + 1, sizeof *grown);

    if (grown == NULL) {
        onc_expr_free(e);
        return formula_nomem(p);
    }
    f->response = grown;
    f->response[f->n_response++] = e;
    return 0;
}

static int formula_lhs(formula_parser *p)
{
    onc_formula *f = p->f;
    const char *t = p->text;
    size_t start = formula_skip(t, 0), len, end;
    char *name = NULL;
    onc_expr *e;
    onc_status rc;

    if (t[start] == '~') {
        f->kind = ONC_RESPONSE_NONE;
        p->pos = start + 1;
        return 0;
    }
    rc = onc_expr_scan_name(t, start, FORMULA_LABEL, &len, &name, p->err);
    if (rc != ONC_OK) {
        p->status = rc;
        return -1;
    }
    if (name != NULL && t[start] != '`' && strcmp(name, "Surv") == 0 &&
        t[formula_skip(t, start + len)] == '(') {
        size_t pos = formula_skip(t, start + len) + 1;
        free(name);
        for (;;) {
            size_t arg_at = formula_skip(t, pos);
            if (f->n_response == 3)
                return formula_fail(p, ONC_ERR_PARSE, arg_at, "too many Surv() arguments",
                                    "Surv(time), Surv(time, event) or "
                                    "Surv(start, stop, event)");
            rc = onc_expr_parse_at(t, pos, FORMULA_LABEL, &e, &end, p->err);
            if (rc != ONC_OK) {
                p->status = rc;
                return -1;
            }
            if (formula_add_response(p, e) < 0)
                return -1;
            pos = formula_skip(t, end);
            if (t[pos] == ',') {
                pos++;
                continue;
            }
            if (t[pos] == ')')
                break;
            return formula_fail(p, ONC_ERR_PARSE, pos, "syntax error", "expected ',' or ')'");
        }
        f->kind = f->n_response == 3 ? ONC_RESPONSE_COUNTING : ONC_RESPONSE_SURV;
        end = pos + 1;
    } else {
        free(name);
        rc = onc_expr_parse_at(t, start, FORMULA_LABEL, &e, &end, p->err);
        if (rc != ONC_OK) {
            p->status = rc;
            return -1;
        }
        if (formula_add_response(p, e) < 0)
            return -1;
        f->kind = ONC_RESPONSE_VALUE;
    }
    end = formula_skip(t, end);
    if (t[end] != '~') {
        if (strchr(t, '~') == NULL)
            return formula_fail(p, ONC_ERR_PARSE, end, "syntax error",
                                "expected '~' (a formula reads: Surv(time, status) ~ terms)");
        return formula_fail(p, ONC_ERR_PARSE, end, "syntax error", "expected '~'");
    }
    p->pos = end + 1;
    return 0;
}

void onc_formula_free(onc_formula *f)
{
    size_t k, j;

    if (f == NULL)
        return;
    for (k = 0; k < f->n_response; k++)
        onc_expr_free(f->response[k]);
    free(f->response);
    for (k = 0; k < f->n_terms; k++) {
        for (j = 0; j < f->terms[k].order && f->terms[k].vars != NULL; j++)
            free(f->terms[k].vars[j].name);
        free(f->terms[k].vars);
        free(f->terms[k].label);
    }
    free(f->terms);
    for (k = 0; k < f->n_strata; k++)
        free(f->strata[k].name);
    free(f->strata);
    if (f->cluster != NULL)
        free(f->cluster->name);
    free(f->cluster);
    onc_expr_free(f->offset);
    free(f->source);
    free(f->text);
    free(f);
}

onc_status onc_formula_parse(const char *text, onc_formula **out, onc_error *err)
{
    formula_parser p;
    formula_set terms = { NULL, 0, 0 };
    formula_tok tok;
    size_t k, len;
    onc_status rc = ONC_OK;

    *out = NULL;
    if (text == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL, "formula: no text");
    len = strlen(text);
    if (len > ONC_EXPR_MAX_LENGTH)
        return onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                             "formula: text is %zu bytes long (at most %d)", len,
                             ONC_EXPR_MAX_LENGTH);
    memset(&p, 0, sizeof p);
    p.err = err;
    p.f = calloc(1, sizeof *p.f);
    if (p.f == NULL)
        return ONC_ERR_NOMEM;
    p.f->source = onc_strdup(text);
    if (p.f->source == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    p.text = p.f->source;

    if (formula_lhs(&p) < 0)
        goto cleanup;
    if (formula_peek(&p, &tok) < 0)
        goto cleanup;
    if (tok.kind == FT_END) {
        formula_fail(&p, ONC_ERR_PARSE, tok.start, "syntax error",
                     "expected a term after '~' (use ~ 1 for none)");
        goto cleanup;
    }
    free(tok.name);
    if (formula_sum(&p, &terms, 1) < 0)
        goto cleanup;
    if (formula_peek(&p, &tok) < 0)
        goto cleanup;
    if (tok.kind != FT_END) {
        char found[64];
        formula_describe(&p, &tok, found, sizeof found);
        free(tok.name);
        if (tok.kind == FT_TILDE)
            formula_fail(&p, ONC_ERR_PARSE, tok.start, "syntax error",
                         "a formula has one '~'");
        else if (tok.kind == FT_OTHER && p.text[tok.start] == '^')
            formula_fail(&p, ONC_ERR_PARSE, tok.start, "'^' is not supported",
                         "write the interactions out, e.g. a*b*c or a + b + a:b");
        else
            formula_fail(&p, ONC_ERR_PARSE, tok.start, "syntax error",
                         "expected '+', ':', '*' or the end of the formula, found %s", found);
        goto cleanup;
    }
    rc = formula_build_terms(&p, &terms);
    if (rc == ONC_OK)
        rc = formula_build_text(p.f);
    /* `a*b*c*...` can expand beyond what may be read back. */
    if (rc == ONC_OK && strlen(p.f->text) > ONC_EXPR_MAX_LENGTH) {
        rc = onc_error_set(err, ONC_ERR_LIMIT, NULL, 0, 0, NULL,
                           "formula: the expanded formula would be %zu bytes long (at most %d)",
                           strlen(p.f->text), ONC_EXPR_MAX_LENGTH);
        p.status = rc;
    }
cleanup:
    if (rc == ONC_OK)
        rc = p.status;
    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, rc, NULL, 0, 0, NULL, "formula: out of memory");
    for (k = 0; k < p.n_vars; k++)
        free(p.vars[k].name);
    free(p.vars);
    free(terms.t);
    if (rc != ONC_OK) {
        onc_formula_free(p.f);
        return rc;
    }
    *out = p.f;
    return ONC_OK;
}

const char *onc_formula_text(const onc_formula *f)
{
    return f != NULL ? f->text : NULL;
}

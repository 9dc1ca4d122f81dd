/*
** plan.c -- the study plan: a YAML file read with libyaml's document API so
** that every value keeps the line it came from.
**
** The plan is checked here for everything that does not need the data:
** every key is known (an unknown key is a typo until proven otherwise, so
** the message suggests the closest known key), every value has the type
** its key needs, required keys are present, and names that refer to each
** other (endpoints, arms) agree.  Columns are checked against the data by
** report.c, with the lines kept here.  docs/study-plan.md is the user's
** description of every key.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "oncostat/report.h"
#include "oncostat/date.h"
#include "oncostat/km.h"
#include "oncostat/cox.h"
#include "core/internal.h"
#include "report/report_internal.h"

/* Nodes visited while walking one plan: aliases can make a small file
** describe a huge tree, so the walk is capped as well as each list. */
#define PLAN_MAX_VISITS 100000

typedef struct plan_ctx {
    yaml_document_t doc;
    const char *name;
    onc_error *err;
    onc_plan *plan;
    size_t visits;
} plan_ctx;

static const char *const lesion_keys[ONC_LESION_COL_N] = {
    "patient", "date", "lesion", "organ", "type", "diameter", "short_axis",
    "node", "viable", "hu", "nt_status"};
static const char *const lesion_defaults[ONC_LESION_COL_N] = {
    "patient_id", "scan_date", "lesion_id", "organ", "lesion_type", "diameter_mm",
    "short_axis_mm", "is_node", "viable_mm", "hu", "nt_status"};
static const char *const ae_keys[ONC_AE_COL_N] = {
    "patient", "term", "soc", "grade", "date"};
static const char *const ae_defaults[ONC_AE_COL_N] = {
    "patient_id", "term", "soc", "grade", "onset_date"};

const char *onc_plan_lesion_field_key(onc_plan_lesion_field f)
{
    return (unsigned)f < ONC_LESION_COL_N ? lesion_keys[f] : "";
}

const char *onc_plan_ae_field_key(onc_plan_ae_field f)
{
    return (unsigned)f < ONC_AE_COL_N ? ae_keys[f] : "";
}

const char *onc_plan_criteria_name(onc_plan_criteria c)
{
    switch (c) {
    case ONC_PLAN_RECIST11: return "RECIST 1.1";
    case ONC_PLAN_MRECIST: return "mRECIST";
    case ONC_PLAN_CHOI: return "Choi";
    }
    return "";
}

/* ---- suggestions ---- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t row[65];

    if (la > 64 || lb > 64)
        return (size_t)-1;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *report_closest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, k, len = strlen(word);
    /* A third of the word may be wrong (at least 2 edits): "endpionts" and
    ** "time_zeor" are found, unrelated words are not. */
    size_t limit = len / 3 > 2 ? len / 3 : 2;

    for (k = 0; k < n; k++) {
        size_t d;
        if (candidates[k] == NULL)
            continue;
        d = edit_distance(word, candidates[k]);
        if (d < best_d) {
            best_d = d;
            best = candidates[k];
        }
    }
    return best_d <= limit ? best : NULL;
}

/* ---- errors ---- */

static onc_status plan_fail(plan_ctx *c, onc_status st, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static onc_status plan_fail(plan_ctx *c, onc_status st, size_t line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return onc_error_set(c->err, st, c->name, 0, line, NULL, "%s", msg);
}

/* ---- nodes ---- */

static yaml_node_t *node_at(plan_ctx *c, int index)
{
    return yaml_document_get_node(&c->doc, index);
}

static size_t node_line(const yaml_node_t *n)
{
    return n ? n->start_mark.line + 1 : 0;
}

static const char *node_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

/* An empty or "~"/"null" plain scalar stands for "no value". */
static int node_is_null(const yaml_node_t *n)
{
    const char *v;

    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return n == NULL;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    v = (const char *)n->data.scalar.value;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static onc_status visit(plan_ctx *c, const yaml_node_t *n)
{
    if (++c->visits > PLAN_MAX_VISITS)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n),
                         "the plan expands to more than %d values (aliases?)", PLAN_MAX_VISITS);
    return ONC_OK;
}

static size_t map_size(const yaml_node_t *n)
{
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

static size_t seq_size(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/*
** Check that every key of mapping `map` is one of keys[0..n-1], a scalar,
** and given once.  `section` names the mapping in messages ("data").
*/
static onc_status check_keys(plan_ctx *c, yaml_node_t *map, const char *section,
                             const char *const *keys, size_t n)
{
    size_t i, j, k, size = map_size(map);

    if (size > ONC_PLAN_MAX_ITEMS)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(map), "'%s' has more than %d entries",
                         section, ONC_PLAN_MAX_ITEMS);
    for (i = 0; i < size; i++) {
        yaml_node_t *key = node_at(c, map->data.mapping.pairs.start[i].key);
        const char *name;
        int known = 0;

        if (key == NULL || key->type != YAML_SCALAR_NODE)
            return plan_fail(c, ONC_ERR_USAGE, node_line(key ? key : map),
                             "a key of '%s' must be a name", section);
        name = (const char *)key->data.scalar.value;
        for (k = 0; k < n && !known; k++)
            known = strcmp(name, keys[k]) == 0;
        if (!known) {
            const char *near = report_closest(name, keys, n);
            char list[512] = "";
            size_t used = 0;
            for (k = 0; k < n && used < sizeof list; k++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                         k ? ", " : "", keys[k]);
            if (near != NULL)
                return plan_fail(c, ONC_ERR_USAGE, node_line(key),
                                 "unknown key '%s' in '%s' (did you mean '%s'?)",
                                 name, section, near);
            return plan_fail(c, ONC_ERR_USAGE, node_line(key),
                             "unknown key '%s' in '%s' (known keys: %s)", name, section, list);
        }
        for (j = 0; j < i; j++) {
            yaml_node_t *other = node_at(c, map->data.mapping.pairs.start[j].key);
            if (other && other->type == YAML_SCALAR_NODE &&
                strcmp((const char *)other->data.scalar.value, name) == 0)
                return plan_fail(c, ONC_ERR_USAGE, node_line(key),
                                 "key '%s' of '%s' is given twice (first on line %zu)",
                                 name, section, node_line(other));
        }
    }
    return ONC_OK;
}

/* The value of `key` in mapping `map`, or NULL. */
static yaml_node_t *map_get(plan_ctx *c, yaml_node_t *map, const char *key)
{
    size_t i, size;

    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    size = map_size(map);
    for (i = 0; i < size; i++) {
        yaml_node_t *k = node_at(c, map->data.mapping.pairs.start[i].key);
        if (k && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0) {
            return node_at(c, map->data.mapping.pairs.start[i].value);
        }
    }
    return NULL;
}

static onc_status expect_map(plan_ctx *c, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_MAPPING_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n),
                         "'%s' must be a mapping of keys and values, found %s",
                         what, node_kind(n));
    return visit(c, n);
}

/* ---- scalars ---- */

static onc_status get_text(plan_ctx *c, yaml_node_t *n, const char *what, onc_plan_text *out)
{
    onc_status st;

    if ((st = visit(c, n)) != ONC_OK)
        return st;
    if (n->type != YAML_SCALAR_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n),
                         "'%s' must be a single value, found %s", what, node_kind(n));
    if (node_is_null(n))
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' has no value", what);
    if (n->data.scalar.length > ONC_PLAN_MAX_TEXT)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n), "'%s' is longer than %d bytes",
                         what, ONC_PLAN_MAX_TEXT);
    if (memchr(n->data.scalar.value, '\0', n->data.scalar.length) != NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' contains a NUL character", what);
    free(out->text);
    out->text = onc_strdup((const char *)n->data.scalar.value);
    if (out->text == NULL)
        return ONC_ERR_NOMEM;
    out->line = node_line(n);
    return ONC_OK;
}

/* A text value of `key` in `map`, if present. */
static onc_status opt_text(plan_ctx *c, yaml_node_t *map, const char *key,
                           const char *what, onc_plan_text *out)
{
    yaml_node_t *v = map_get(c, map, key);

    if (v == NULL)
        return ONC_OK;
    return get_text(c, v, what, out);
}

static onc_status opt_string(plan_ctx *c, yaml_node_t *map, const char *key,
                             const char *what, char **out)
{
    onc_plan_text t = {NULL, 0};
    onc_status st = opt_text(c, map, key, what, &t);

    if (st != ONC_OK) {
        free(t.text);
        return st;
    }
    if (t.text != NULL) {
        free(*out);
        *out = t.text;
    }
    return ONC_OK;
}

static onc_status get_number(plan_ctx *c, yaml_node_t *n, const char *what, double *out)
{
    onc_status st;
    double v;

    if ((st = visit(c, n)) != ONC_OK)
        return st;
    if (n->type != YAML_SCALAR_NODE || node_is_null(n) ||
        onc_parse_double((const char *)n->data.scalar.value, n->data.scalar.length, '.', &v) != 0 ||
        !isfinite(v)) {
        if (n->type == YAML_SCALAR_NODE)
            return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' must be a number, found '%s'",
                             what, (const char *)n->data.scalar.value);
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' must be a number, found %s",
                         what, node_kind(n));
    }
    *out = v;
    return ONC_OK;
}

static onc_status get_bool(plan_ctx *c, yaml_node_t *n, const char *what, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off"};
    size_t k;

    if (n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        for (k = 0; k < sizeof yes / sizeof yes[0]; k++) {
            if (strcmp(v, yes[k]) == 0) {
                *out = 1;
                return ONC_OK;
            }
            if (strcmp(v, no[k]) == 0) {
                *out = 0;
                return ONC_OK;
            }
        }
    }
    return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' must be true or false", what);
}

static onc_status get_date(plan_ctx *c, yaml_node_t *n, const char *what, double *out)
{
    onc_plan_text t = {NULL, 0};
    onc_status st = get_text(c, n, what, &t);

    if (st != ONC_OK)
        return st;
    if (onc_date_parse(t.text, strlen(t.text), NULL, out) != ONC_OK)
        st = plan_fail(c, ONC_ERR_USAGE, t.line, "'%s' must be a date written YYYY-MM-DD, found '%s'",
                       what, t.text);
    free(t.text);
    return st;
}

/* One of names[0..n-1] (exact), stored as its index. */
static onc_status get_choice(plan_ctx *c, yaml_node_t *n, const char *what,
                             const char *const *names, const int *values, size_t count, int *out)
{
    onc_plan_text t = {NULL, 0};
    onc_status st = get_text(c, n, what, &t);
    size_t k;

    if (st != ONC_OK)
        return st;
    for (k = 0; k < count; k++) {
        if (strcmp(t.text, names[k]) == 0) {
            *out = values[k];
            free(t.text);
            return ONC_OK;
        }
    }
    {
        char list[256] = "";
        size_t used = 0;
        const char *near = report_closest(t.text, names, count);
        for (k = 0; k < count && used < sizeof list; k++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k]);
        if (near != NULL)
            st = plan_fail(c, ONC_ERR_USAGE, t.line, "'%s': unknown value '%s' (did you mean '%s'?)",
                           what, t.text, near);
        else
            st = plan_fail(c, ONC_ERR_USAGE, t.line, "'%s': unknown value '%s' (expected one of %s)",
                           what, t.text, list);
    }
    free(t.text);
    return st;
}

static onc_status get_unit(plan_ctx *c, yaml_node_t *n, const char *what, onc_time_unit *out)
{
    static const char *const names[] = {"days", "weeks", "months", "years",
                                        "day", "week", "month", "year"};
    static const int values[] = {ONC_UNIT_DAYS, ONC_UNIT_WEEKS, ONC_UNIT_MONTHS, ONC_UNIT_YEARS,
                                 ONC_UNIT_DAYS, ONC_UNIT_WEEKS, ONC_UNIT_MONTHS, ONC_UNIT_YEARS};
    int v = 0;
    onc_status st = get_choice(c, n, what, names, values, 8, &v);

    *out = (onc_time_unit)v;
    return st;
}

/* ---- lists ---- */

/* A list of texts; a single value is a list of one. */
static onc_status get_text_list(plan_ctx *c, yaml_node_t *n, const char *what,
                                onc_plan_text **out, size_t *count)
{
    size_t i, size;
    onc_status st;

    if (n->type == YAML_SCALAR_NODE) {
        *out = calloc(1, sizeof **out);
        if (*out == NULL)
            return ONC_ERR_NOMEM;
        *count = 1;
        return get_text(c, n, what, &(*out)[0]);
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' must be a list, found %s",
                         what, node_kind(n));
    size = seq_size(n);
    if (size > ONC_PLAN_MAX_ITEMS)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n), "'%s' has more than %d entries",
                         what, ONC_PLAN_MAX_ITEMS);
    if (size == 0)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' is an empty list", what);
    *out = onc_callocarray(size, sizeof **out);
    if (*out == NULL)
        return ONC_ERR_NOMEM;
    *count = size;
    for (i = 0; i < size; i++) {
        yaml_node_t *item = node_at(c, n->data.sequence.items.start[i]);
        if (item == NULL)
            return plan_fail(c, ONC_ERR_PARSE, node_line(n), "'%s': broken list", what);
        if ((st = get_text(c, item, what, &(*out)[i])) != ONC_OK)
            return st;
    }
    return ONC_OK;
}

static onc_status get_number_list(plan_ctx *c, yaml_node_t *n, const char *what,
                                  double **out, size_t *count)
{
    size_t i, size;
    onc_status st;

    if (n->type == YAML_SCALAR_NODE) {
        *out = malloc(sizeof **out);
        if (*out == NULL)
            return ONC_ERR_NOMEM;
        *count = 1;
        return get_number(c, n, what, &(*out)[0]);
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' must be a list of numbers, found %s",
                         what, node_kind(n));
    size = seq_size(n);
    if (size > ONC_PLAN_MAX_ITEMS)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n), "'%s' has more than %d entries",
                         what, ONC_PLAN_MAX_ITEMS);
    if (size == 0)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' is an empty list", what);
    *out = onc_mallocarray(size, sizeof **out);
    if (*out == NULL)
        return ONC_ERR_NOMEM;
    *count = size;
    for (i = 0; i < size; i++) {
        yaml_node_t *item = node_at(c, n->data.sequence.items.start[i]);
        if (item == NULL)
            return plan_fail(c, ONC_ERR_PARSE, node_line(n), "'%s': broken list", what);
        if ((st = get_number(c, item, what, &(*out)[i])) != ONC_OK)
            return st;
    }
    return ONC_OK;
}

/* ---- sections ---- */

static onc_status parse_file(plan_ctx *c, yaml_node_t *n, const char *what,
                             onc_plan_file *f, int kind)
{
    static const char *const keys_plain[] = {"file", "date_format", "na"};
    static const char *const keys_columns[] = {"file", "date_format", "na", "columns"};
    const char *const *defaults = kind == 1 ? lesion_defaults : kind == 2 ? ae_defaults : NULL;
    const char *const *fields = kind == 1 ? lesion_keys : ae_keys;
    size_t n_fields = kind == 1 ? ONC_LESION_COL_N : kind == 2 ? ONC_AE_COL_N : 0;
    yaml_node_t *v;
    onc_status st;
    size_t k;
    char sub[64];

    f->line = node_line(n);
    for (k = 0; k < n_fields; k++) {
        f->columns[k].text = onc_strdup(defaults[k]);
        f->columns[k].line = 0;
        if (f->columns[k].text == NULL)
            return ONC_ERR_NOMEM;
    }
    snprintf(sub, sizeof sub, "%s.file", what);
    if (n->type == YAML_SCALAR_NODE) {
        if ((st = get_text(c, n, sub, &f->file)) != ONC_OK)
            return st;
    } else {
        if ((st = expect_map(c, n, what)) != ONC_OK)
            return st;
        if ((st = check_keys(c, n, what, kind ? keys_columns : keys_plain, kind ? 4 : 3)) != ONC_OK)
            return st;
        if ((v = map_get(c, n, "file")) == NULL)
            return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' needs a 'file'", what);
        if ((st = get_text(c, v, sub, &f->file)) != ONC_OK)
            return st;
        snprintf(sub, sizeof sub, "%s.date_format", what);
        if ((st = opt_text(c, n, "date_format", sub, &f->date_format)) != ONC_OK)
            return st;
        if (f->date_format.text != NULL) {
            const char *why = NULL;
            if (onc_date_check_format(f->date_format.text, &why) != ONC_OK)
                return plan_fail(c, ONC_ERR_USAGE, f->date_format.line, "'%s': %s", sub,
                                 why ? why : "invalid date format");
        }
        if ((v = map_get(c, n, "na")) != NULL) {
            onc_plan_text *tokens = NULL;
            size_t n_tokens = 0, i;
            snprintf(sub, sizeof sub, "%s.na", what);
            st = get_text_list(c, v, sub, &tokens, &n_tokens);
            if (st == ONC_OK) {
                f->na = onc_callocarray(n_tokens, sizeof *f->na);
                if (f->na == NULL)
                    st = ONC_ERR_NOMEM;
            }
            for (i = 0; i < n_tokens; i++) {
                if (st == ONC_OK && f->na != NULL) {
                    f->na[i] = tokens[i].text;
                    tokens[i].text = NULL;
                }
                free(tokens[i].text);
            }
            if (f->na != NULL)
                f->n_na = n_tokens;
            free(tokens);
            if (st != ONC_OK)
                return st;
        }
        if (kind && (v = map_get(c, n, "columns")) != NULL) {
            snprintf(sub, sizeof sub, "%s.columns", what);
            if ((st = expect_map(c, v, sub)) != ONC_OK)
                return st;
            if ((st = check_keys(c, v, sub, fields, n_fields)) != ONC_OK)
                return st;
            for (k = 0; k < n_fields; k++) {
                char key[96];
                snprintf(key, sizeof key, "%s.%s", sub, fields[k]);
                if ((st = opt_text(c, v, fields[k], key, &f->columns[k])) != ONC_OK)
                    return st;
            }
        }
    }
    /* Data paths are relative to the plan, so a study folder can move. */
    {
        const char *p = f->file.text;
        size_t need;
        if (p[0] == '/' || c->plan->dir == NULL || c->plan->dir[0] == '\0' ||
            strcmp(c->plan->dir, ".") == 0) {
            f->path = onc_strdup(p);
        } else {
            need = strlen(c->plan->dir) + strlen(p) + 2;
            f->path = malloc(need);
            if (f->path != NULL)
                snprintf(f->path, need, "%s/%s", c->plan->dir, p);
        }
        if (f->path == NULL)
            return ONC_ERR_NOMEM;
    }
    return ONC_OK;
}

static onc_status parse_data(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"patients", "lesions", "adverse_events"};
    yaml_node_t *v;
    onc_status st;

    if ((st = expect_map(c, n, "data")) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, "data", keys, 3)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "patients")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'data' needs 'patients' (the patient file)");
    if ((st = parse_file(c, v, "data.patients", &c->plan->patients, 0)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "lesions")) != NULL &&
        (st = parse_file(c, v, "data.lesions", &c->plan->lesions, 1)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "adverse_events")) != NULL &&
        (st = parse_file(c, v, "data.adverse_events", &c->plan->adverse_events, 2)) != ONC_OK)
        return st;
    return ONC_OK;
}

static onc_status parse_arms(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"column", "order", "labels", "reference"};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;
    size_t i, j;

    p->arms_line = node_line(n);
    if (n->type == YAML_SCALAR_NODE)
        return get_text(c, n, "arms", &p->arm_column);
    if ((st = expect_map(c, n, "arms")) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, "arms", keys, 4)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "column")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'arms' needs 'column' (the treatment column)");
    if ((st = get_text(c, v, "arms.column", &p->arm_column)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "order")) != NULL) {
        if ((st = get_text_list(c, v, "arms.order", &p->arm_order, &p->n_arm_order)) != ONC_OK)
            return st;
        if (p->n_arm_order > ONC_PLAN_MAX_ARMS)
            return plan_fail(c, ONC_ERR_LIMIT, node_line(v), "'arms.order' lists more than %d arms",
                             ONC_PLAN_MAX_ARMS);
        for (i = 0; i < p->n_arm_order; i++)
            for (j = 0; j < i; j++)
                if (strcmp(p->arm_order[i].text, p->arm_order[j].text) == 0)
                    return plan_fail(c, ONC_ERR_USAGE, p->arm_order[i].line,
                                     "arm '%s' is listed twice in 'arms.order'", p->arm_order[i].text);
    }
    if ((v = map_get(c, n, "labels")) != NULL) {
        size_t size;
        if ((st = expect_map(c, v, "arms.labels")) != ONC_OK)
            return st;
        size = map_size(v);
        if (size > ONC_PLAN_MAX_ARMS)
            return plan_fail(c, ONC_ERR_LIMIT, node_line(v), "'arms.labels' has more than %d entries",
                             ONC_PLAN_MAX_ARMS);
        p->arm_labels = onc_callocarray(size ? size : 1, sizeof *p->arm_labels);
        if (p->arm_labels == NULL)
            return ONC_ERR_NOMEM;
        for (i = 0; i < size; i++) {
            yaml_node_t *key = node_at(c, v->data.mapping.pairs.start[i].key);
            yaml_node_t *val = node_at(c, v->data.mapping.pairs.start[i].value);
            onc_plan_text lab = {NULL, 0};
            if (key == NULL || val == NULL)
                return plan_fail(c, ONC_ERR_PARSE, node_line(v), "'arms.labels': broken mapping");
            p->n_arm_labels = i + 1;
            if ((st = get_text(c, key, "arms.labels", &p->arm_labels[i].value)) != ONC_OK)
                return st;
            if ((st = get_text(c, val, "arms.labels", &lab)) != ONC_OK)
                return st;
            p->arm_labels[i].label = lab.text;
            for (j = 0; j < i; j++)
                if (strcmp(p->arm_labels[j].value.text, p->arm_labels[i].value.text) == 0)
                    return plan_fail(c, ONC_ERR_USAGE, p->arm_labels[i].value.line,
                                     "arm '%s' has two labels", p->arm_labels[i].value.text);
            if (p->n_arm_order > 0) {
                int found = 0;
                for (j = 0; j < p->n_arm_order && !found; j++)
                    found = strcmp(p->arm_order[j].text, p->arm_labels[i].value.text) == 0;
                if (!found)
                    return plan_fail(c, ONC_ERR_USAGE, p->arm_labels[i].value.line,
                                     "'arms.labels' names arm '%s', which is not in 'arms.order'",
                                     p->arm_labels[i].value.text);
            }
        }
    }
    if ((st = opt_text(c, n, "reference", "arms.reference", &p->arm_reference)) != ONC_OK)
        return st;
    if (p->arm_reference.text != NULL && p->n_arm_order > 0) {
        int found = 0;
        for (j = 0; j < p->n_arm_order && !found; j++)
            found = strcmp(p->arm_order[j].text, p->arm_reference.text) == 0;
        if (!found) {
            const char *names[ONC_PLAN_MAX_ARMS];
            const char *near;
            for (j = 0; j < p->n_arm_order; j++)
                names[j] = p->arm_order[j].text;
            near = report_closest(p->arm_reference.text, names, p->n_arm_order);
            return plan_fail(c, ONC_ERR_USAGE, p->arm_reference.line,
                             "reference arm '%s' is not in 'arms.order'%s%s%s",
                             p->arm_reference.text, near ? " (did you mean '" : "",
                             near ? near : "", near ? "'?)" : "");
        }
    }
    return ONC_OK;
}

static int valid_endpoint_name(const char *s)
{
    size_t i;

    if (!isalpha((unsigned char)s[0]))
        return 0;
    for (i = 1; s[i]; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return i <= 32;
}

static onc_status parse_endpoint(plan_ctx *c, yaml_node_t *key, yaml_node_t *n,
                                 onc_plan_endpoint *e)
{
    static const char *const keys[] = {"label", "origin", "events", "censor", "death",
                                       "cutoff", "unit"};
    char what[96];
    yaml_node_t *v;
    onc_status st;
    size_t i, size;

    e->cutoff = NAN;
    e->line = node_line(key);
    if (key->type != YAML_SCALAR_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(key), "an endpoint name must be a name");
    e->name = onc_strdup((const char *)key->data.scalar.value);
    if (e->name == NULL)
        return ONC_ERR_NOMEM;
    if (!valid_endpoint_name(e->name))
        return plan_fail(c, ONC_ERR_USAGE, e->line,
                         "endpoint name '%s' must start with a letter and hold only letters, "
                         "digits and '_' (it names the derived columns %s_time, %s_event)",
                         e->name, e->name, e->name);
    snprintf(what, sizeof what, "endpoints.%s", e->name);
    if ((st = expect_map(c, n, what)) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, what, keys, 7)) != ONC_OK)
        return st;
    if ((st = opt_string(c, n, "label", "label", &e->label)) != ONC_OK)
        return st;
    if ((st = opt_text(c, n, "origin", "origin", &e->origin)) != ONC_OK)
        return st;
    if ((st = opt_text(c, n, "censor", "censor", &e->censor)) != ONC_OK)
        return st;
    if ((st = opt_text(c, n, "death", "death", &e->death)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "cutoff")) != NULL && (st = get_date(c, v, "cutoff", &e->cutoff)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "unit")) != NULL) {
        if ((st = get_unit(c, v, "unit", &e->unit)) != ONC_OK)
            return st;
        e->unit_given = 1;
    }
    if ((v = map_get(c, n, "events")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n),
                         "endpoint '%s' needs 'events' (the event date columns)", e->name);
    if (v->type == YAML_SCALAR_NODE) {
        e->events = calloc(1, sizeof *e->events);
        if (e->events == NULL)
            return ONC_ERR_NOMEM;
        e->n_events = 1;
        return get_text(c, v, "events", &e->events[0].column);
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(v),
                         "'events' of endpoint '%s' must be a list, found %s", e->name, node_kind(v));
    size = seq_size(v);
    if (size == 0 || size > 64)
        return plan_fail(c, ONC_ERR_USAGE, node_line(v),
                         "'events' of endpoint '%s' must list 1 to 64 date columns", e->name);
    e->events = onc_callocarray(size, sizeof *e->events);
    if (e->events == NULL)
        return ONC_ERR_NOMEM;
    e->n_events = size;
    for (i = 0; i < size; i++) {
        static const char *const ev_keys[] = {"column", "label"};
        yaml_node_t *item = node_at(c, v->data.sequence.items.start[i]);
        yaml_node_t *col;
        if (item == NULL)
            return plan_fail(c, ONC_ERR_PARSE, node_line(v), "broken list");
        if (item->type == YAML_SCALAR_NODE) {
            if ((st = get_text(c, item, "events", &e->events[i].column)) != ONC_OK)
                return st;
            continue;
        }
        if ((st = expect_map(c, item, "events")) != ONC_OK)
            return st;
        if ((st = check_keys(c, item, "events", ev_keys, 2)) != ONC_OK)
            return st;
        if ((col = map_get(c, item, "column")) == NULL)
            return plan_fail(c, ONC_ERR_USAGE, node_line(item), "an event needs a 'column'");
        if ((st = get_text(c, col, "events.column", &e->events[i].column)) != ONC_OK)
            return st;
        if ((st = opt_string(c, item, "label", "events.label", &e->events[i].label)) != ONC_OK)
            return st;
    }
    return ONC_OK;
}

static onc_status parse_endpoints(plan_ctx *c, yaml_node_t *n)
{
    onc_plan *p = c->plan;
    size_t i, j, size;
    onc_status st;

    if ((st = expect_map(c, n, "endpoints")) != ONC_OK)
        return st;
    size = map_size(n);
    if (size == 0)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'endpoints' is empty");
    if (size > 64)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n), "more than 64 endpoints");
    p->endpoints = onc_callocarray(size, sizeof *p->endpoints);
    if (p->endpoints == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < size; i++) {
        yaml_node_t *key = node_at(c, n->data.mapping.pairs.start[i].key);
        yaml_node_t *val = node_at(c, n->data.mapping.pairs.start[i].value);
        if (key == NULL || val == NULL)
            return plan_fail(c, ONC_ERR_PARSE, node_line(n), "broken mapping");
        p->n_endpoints = i + 1;
        if ((st = parse_endpoint(c, key, val, &p->endpoints[i])) != ONC_OK)
            return st;
        for (j = 0; j < i; j++)
            if (strcmp(p->endpoints[j].name, p->endpoints[i].name) == 0)
                return plan_fail(c, ONC_ERR_USAGE, p->endpoints[i].line,
                                 "endpoint '%s' is defined twice (first on line %zu)",
                                 p->endpoints[i].name, p->endpoints[j].line);
    }
    return ONC_OK;
}

static onc_status parse_eligibility(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"criterion", "reason"};
    onc_plan *p = c->plan;
    size_t i, size;
    onc_status st;

    if (n->type != YAML_SEQUENCE_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n),
                         "'eligibility' must be a list of {criterion, reason}, found %s", node_kind(n));
    size = seq_size(n);
    if (size > ONC_PLAN_MAX_ITEMS)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n), "'eligibility' has more than %d criteria",
                         ONC_PLAN_MAX_ITEMS);
    p->eligibility = onc_callocarray(size ? size : 1, sizeof *p->eligibility);
    if (p->eligibility == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < size; i++) {
        yaml_node_t *item = node_at(c, n->data.sequence.items.start[i]);
        yaml_node_t *v;
        onc_plan_criterion *cr = &p->eligibility[i];
        onc_plan_text reason = {NULL, 0};
        if (item == NULL)
            return plan_fail(c, ONC_ERR_PARSE, node_line(n), "broken list");
        p->n_eligibility = i + 1;
        if ((st = expect_map(c, item, "eligibility")) != ONC_OK)
            return st;
        if ((st = check_keys(c, item, "eligibility", keys, 2)) != ONC_OK)
            return st;
        if ((v = map_get(c, item, "criterion")) == NULL)
            return plan_fail(c, ONC_ERR_USAGE, node_line(item),
                             "an eligibility entry needs a 'criterion' (an expression)");
        if ((st = get_text(c, v, "criterion", &cr->criterion)) != ONC_OK)
            return st;
        if ((v = map_get(c, item, "reason")) == NULL)
            return plan_fail(c, ONC_ERR_USAGE, node_line(item),
                             "criterion '%s' needs a 'reason' (what the flow diagram says "
                             "about the patients it excludes)", cr->criterion.text);
        if ((st = get_text(c, v, "reason", &reason)) != ONC_OK)
            return st;
        cr->reason = reason.text;
    }
    return ONC_OK;
}

static onc_status parse_summary(plan_ctx *c, yaml_node_t *n, onc_table1_summary *out)
{
    static const char *const names[] = {"auto", "median_iqr", "median", "mean_sd", "mean",
                                        "n_percent", "count", "categorical"};
    static const int values[] = {ONC_TABLE1_AUTO, ONC_TABLE1_MEDIAN_IQR, ONC_TABLE1_MEDIAN_IQR,
                                 ONC_TABLE1_MEAN_SD, ONC_TABLE1_MEAN_SD, ONC_TABLE1_COUNT,
                                 ONC_TABLE1_COUNT, ONC_TABLE1_COUNT};
    int v = 0;
    onc_status st = get_choice(c, n, "summary", names, values, 8, &v);

    *out = (onc_table1_summary)v;
    return st;
}

/* A variable entry: "age" or {variable: age, label: ..., summary: ..., cuts: [...]}. */
static onc_status parse_variable(plan_ctx *c, yaml_node_t *n, const char *what,
                                 onc_plan_variable *var, int subgroup)
{
    static const char *const keys_base[] = {"variable", "label", "summary"};
    static const char *const keys_sub[] = {"variable", "label", "cuts"};
    yaml_node_t *v;
    onc_status st;

    if (n->type == YAML_SCALAR_NODE)
        return get_text(c, n, what, &var->variable);
    if ((st = expect_map(c, n, what)) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, what, subgroup ? keys_sub : keys_base, 3)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "variable")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "an entry of '%s' needs 'variable' (a column)",
                         what);
    if ((st = get_text(c, v, "variable", &var->variable)) != ONC_OK)
        return st;
    if ((st = opt_string(c, n, "label", "label", &var->label)) != ONC_OK)
        return st;
    if (!subgroup && (v = map_get(c, n, "summary")) != NULL &&
        (st = parse_summary(c, v, &var->summary)) != ONC_OK)
        return st;
    if (subgroup && (v = map_get(c, n, "cuts")) != NULL) {
        size_t i;
        if ((st = get_number_list(c, v, "cuts", &var->cuts, &var->n_cuts)) != ONC_OK)
            return st;
        if (var->n_cuts > 20)
            return plan_fail(c, ONC_ERR_LIMIT, node_line(v), "'cuts' has more than 20 values");
        for (i = 1; i < var->n_cuts; i++)
            if (!(var->cuts[i] > var->cuts[i - 1]))
                return plan_fail(c, ONC_ERR_USAGE, node_line(v), "'cuts' must increase");
    }
    return ONC_OK;
}

static onc_status parse_variable_list(plan_ctx *c, yaml_node_t *n, const char *what,
                                      onc_plan_variable **out, size_t *count, int subgroup)
{
    size_t i, size;
    onc_status st;

    if (n->type != YAML_SEQUENCE_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' must be a list of variables, found %s",
                         what, node_kind(n));
    size = seq_size(n);
    if (size > ONC_PLAN_MAX_ITEMS)
        return plan_fail(c, ONC_ERR_LIMIT, node_line(n), "'%s' has more than %d entries",
                         what, ONC_PLAN_MAX_ITEMS);
    if (size == 0)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'%s' is an empty list", what);
    *out = onc_callocarray(size, sizeof **out);
    if (*out == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < size; i++) {
        yaml_node_t *item = node_at(c, n->data.sequence.items.start[i]);
        if (item == NULL)
            return plan_fail(c, ONC_ERR_PARSE, node_line(n), "broken list");
        *count = i + 1;
        if ((st = parse_variable(c, item, what, &(*out)[i], subgroup)) != ONC_OK)
            return st;
    }
    return ONC_OK;
}

static onc_status parse_baseline(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"compare", "variables"};
    static const char *const compare_names[] = {"p", "smd", "both", "none"};
    static const int compare_values[] = {ONC_TABLE1_COMPARE_P, ONC_TABLE1_COMPARE_SMD,
                                         ONC_TABLE1_COMPARE_BOTH, ONC_TABLE1_COMPARE_NONE};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;
    int cmp = 0;

    p->baseline_line = node_line(n);
    if (n->type == YAML_SEQUENCE_NODE)
        return parse_variable_list(c, n, "baseline", &p->baseline, &p->n_baseline, 0);
    if ((st = expect_map(c, n, "baseline")) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, "baseline", keys, 2)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "compare")) != NULL) {
        if ((st = get_choice(c, v, "baseline.compare", compare_names, compare_values, 4, &cmp)) != ONC_OK)
            return st;
        p->baseline_compare = (onc_table1_compare)cmp;
    }
    if ((v = map_get(c, n, "variables")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'baseline' needs 'variables'");
    return parse_variable_list(c, v, "baseline.variables", &p->baseline, &p->n_baseline, 0);
}

/* A section given as `km: true` or as a mapping. */
static onc_status section_switch(plan_ctx *c, yaml_node_t *n, const char *what, int *on)
{
    if (n->type == YAML_SCALAR_NODE)
        return get_bool(c, n, what, on);
    *on = 1;
    return expect_map(c, n, what);
}

static onc_status parse_km(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"endpoints", "times", "conf_level", "conf_type"};
    static const char *const types[] = {"log", "log-log", "plain"};
    static const int type_values[] = {ONC_CONF_LOG, ONC_CONF_LOGLOG, ONC_CONF_PLAIN};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;
    size_t i;

    if ((st = section_switch(c, n, "analyses.km", &p->km)) != ONC_OK || n->type != YAML_MAPPING_NODE)
        return st;
    if ((st = check_keys(c, n, "analyses.km", keys, 4)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "endpoints")) != NULL &&
        (st = get_text_list(c, v, "analyses.km.endpoints", &p->km_endpoints, &p->n_km_endpoints)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "times")) != NULL) {
        if ((st = get_number_list(c, v, "analyses.km.times", &p->km_times, &p->n_km_times)) != ONC_OK)
            return st;
        if (p->n_km_times > 20)
            return plan_fail(c, ONC_ERR_LIMIT, node_line(v), "'analyses.km.times' has more than 20 times");
        for (i = 0; i < p->n_km_times; i++)
            if (!(p->km_times[i] > 0))
                return plan_fail(c, ONC_ERR_USAGE, node_line(v),
                                 "'analyses.km.times' must be positive times");
    }
    if ((v = map_get(c, n, "conf_level")) != NULL) {
        if ((st = get_number(c, v, "analyses.km.conf_level", &p->conf_level)) != ONC_OK)
            return st;
        if (!(p->conf_level > 0 && p->conf_level < 1))
            return plan_fail(c, ONC_ERR_USAGE, node_line(v),
                             "'conf_level' must be between 0 and 1, e.g. 0.95");
    }
    if ((v = map_get(c, n, "conf_type")) != NULL &&
        (st = get_choice(c, v, "analyses.km.conf_type", types, type_values, 3, &p->conf_type)) != ONC_OK)
        return st;
    return ONC_OK;
}

static onc_status parse_cox(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"endpoints", "univariable", "adjusted", "ties"};
    static const char *const ties[] = {"efron", "breslow"};
    static const int tie_values[] = {ONC_TIES_EFRON, ONC_TIES_BRESLOW};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;

    p->cox_line = node_line(n);
    if ((st = section_switch(c, n, "analyses.cox", &p->cox)) != ONC_OK || n->type != YAML_MAPPING_NODE)
        return st;
    if ((st = check_keys(c, n, "analyses.cox", keys, 4)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "endpoints")) != NULL &&
        (st = get_text_list(c, v, "analyses.cox.endpoints", &p->cox_endpoints, &p->n_cox_endpoints)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "univariable")) != NULL &&
        (st = get_text_list(c, v, "analyses.cox.univariable", &p->cox_univariable,
                            &p->n_cox_univariable)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "adjusted")) != NULL &&
        (st = get_text_list(c, v, "analyses.cox.adjusted", &p->cox_adjusted, &p->n_cox_adjusted)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "ties")) != NULL &&
        (st = get_choice(c, v, "analyses.cox.ties", ties, tie_values, 2, &p->cox_ties)) != ONC_OK)
        return st;
    return ONC_OK;
}

static onc_status parse_subgroups(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"endpoint", "variables", "compare"};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;

    p->subgroups_line = node_line(n);
    if ((st = expect_map(c, n, "analyses.subgroups")) != ONC_OK)
        return st;
    p->subgroups = 1;
    if ((st = check_keys(c, n, "analyses.subgroups", keys, 3)) != ONC_OK)
        return st;
    if ((st = opt_text(c, n, "endpoint", "analyses.subgroups.endpoint", &p->subgroup_endpoint)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "variables")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'analyses.subgroups' needs 'variables'");
    if ((st = parse_variable_list(c, v, "analyses.subgroups.variables", &p->subgroup_vars,
                                  &p->n_subgroup_vars, 1)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "compare")) != NULL &&
        (st = get_text_list(c, v, "analyses.subgroups.compare", &p->subgroup_compare,
                            &p->n_subgroup_compare)) != ONC_OK)
        return st;
    return ONC_OK;
}

static onc_status parse_response(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"criteria", "organ", "confirm_days", "min_sd_days"};
    static const char *const names[] = {"recist1.1", "recist", "mrecist", "choi"};
    static const int values[] = {ONC_PLAN_RECIST11, ONC_PLAN_RECIST11, ONC_PLAN_MRECIST, ONC_PLAN_CHOI};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;
    size_t i, j;

    p->response_line = node_line(n);
    if ((st = expect_map(c, n, "analyses.response")) != ONC_OK)
        return st;
    p->response = 1;
    if ((st = check_keys(c, n, "analyses.response", keys, 4)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "criteria")) != NULL) {
        onc_plan_text *list = NULL;
        size_t n_list = 0;
        st = get_text_list(c, v, "analyses.response.criteria", &list, &n_list);
        if (st == ONC_OK) {
            p->criteria = onc_callocarray(n_list, sizeof *p->criteria);
            p->criteria_line = onc_callocarray(n_list, sizeof *p->criteria_line);
            if (p->criteria == NULL || p->criteria_line == NULL)
                st = ONC_ERR_NOMEM;
        }
        for (i = 0; st == ONC_OK && i < n_list; i++) {
            int found = -1;
            for (j = 0; j < 4 && found < 0; j++)
                if (strcmp(list[i].text, names[j]) == 0)
                    found = values[j];
            if (found < 0) {
                const char *near = report_closest(list[i].text, names, 4);
                st = plan_fail(c, ONC_ERR_USAGE, list[i].line,
                               "unknown response criteria '%s' (%s%s%s)", list[i].text,
                               near ? "did you mean '" : "expected recist1.1, mrecist or choi",
                               near ? near : "", near ? "'?" : "");
                break;
            }
            for (j = 0; j < p->n_criteria; j++)
                if ((int)p->criteria[j] == found) {
                    st = plan_fail(c, ONC_ERR_USAGE, list[i].line,
                                   "response criteria '%s' are listed twice", list[i].text);
                    break;
                }
            if (st != ONC_OK)
                break;
            p->criteria[p->n_criteria] = (onc_plan_criteria)found;
            p->criteria_line[p->n_criteria] = list[i].line;
            p->n_criteria++;
        }
        for (i = 0; i < n_list; i++)
            free(list[i].text);
        free(list);
        if (st != ONC_OK)
            return st;
    } else {
        p->criteria = malloc(sizeof *p->criteria);
        p->criteria_line = malloc(sizeof *p->criteria_line);
        if (p->criteria == NULL || p->criteria_line == NULL)
            return ONC_ERR_NOMEM;
        p->criteria[0] = ONC_PLAN_RECIST11;
        p->criteria_line[0] = node_line(n);
        p->n_criteria = 1;
    }
    if ((st = opt_text(c, n, "organ", "analyses.response.organ", &p->response_organ)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "confirm_days")) != NULL) {
        if ((st = get_number(c, v, "analyses.response.confirm_days", &p->confirm_days)) != ONC_OK)
            return st;
        if (p->confirm_days < 0)
            return plan_fail(c, ONC_ERR_USAGE, node_line(v), "'confirm_days' cannot be negative");
    }
    if ((v = map_get(c, n, "min_sd_days")) != NULL) {
        if ((st = get_number(c, v, "analyses.response.min_sd_days", &p->min_sd_days)) != ONC_OK)
            return st;
        if (p->min_sd_days < 0)
            return plan_fail(c, ONC_ERR_USAGE, node_line(v), "'min_sd_days' cannot be negative");
    }
    return ONC_OK;
}

static onc_status parse_safety(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"top"};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;
    double top;

    p->safety_line = node_line(n);
    if ((st = section_switch(c, n, "analyses.safety", &p->safety)) != ONC_OK || n->type != YAML_MAPPING_NODE)
        return st;
    if ((st = check_keys(c, n, "analyses.safety", keys, 1)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "top")) != NULL) {
        if ((st = get_number(c, v, "analyses.safety.top", &top)) != ONC_OK)
            return st;
        if (top < 0 || top != floor(top) || top > 100000)
            return plan_fail(c, ONC_ERR_USAGE, node_line(v),
                             "'analyses.safety.top' must be a whole number of terms (0 = all)");
        p->safety_top = (size_t)top;
    }
    return ONC_OK;
}

static onc_status parse_analyses(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"km", "cox", "subgroups", "response", "safety"};
    yaml_node_t *v;
    onc_status st;

    if ((st = expect_map(c, n, "analyses")) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, "analyses", keys, 5)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "km")) != NULL && (st = parse_km(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "cox")) != NULL && (st = parse_cox(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "subgroups")) != NULL && (st = parse_subgroups(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "response")) != NULL && (st = parse_response(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "safety")) != NULL && (st = parse_safety(c, v)) != ONC_OK)
        return st;
    return ONC_OK;
}

static onc_status parse_output(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"formats", "figures"};
    static const char *const formats[] = {"html", "json", "csv"};
    static const char *const figures[] = {"svg", "png", "pdf"};
    static const int idx[] = {0, 1, 2};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;
    size_t i;

    if ((st = expect_map(c, n, "output")) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, "output", keys, 2)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "formats")) != NULL) {
        onc_plan_text *list = NULL;
        size_t n_list = 0;
        p->out_html = p->out_json = p->out_csv = 0;
        st = get_text_list(c, v, "output.formats", &list, &n_list);
        for (i = 0; st == ONC_OK && i < n_list; i++) {
            int k;
            for (k = 0; k < 3; k++)
                if (strcmp(list[i].text, formats[k]) == 0)
                    break;
            if (k == 3) {
                const char *near = report_closest(list[i].text, formats, 3);
                st = plan_fail(c, ONC_ERR_USAGE, list[i].line,
                               "'output.formats': unknown format '%s' (%s%s%s)", list[i].text,
                               near ? "did you mean '" : "expected html, json or csv",
                               near ? near : "", near ? "'?" : "");
                break;
            }
            if (idx[k] == 0)
                p->out_html = 1;
            else if (idx[k] == 1)
                p->out_json = 1;
            else
                p->out_csv = 1;
        }
        for (i = 0; i < n_list; i++)
            free(list[i].text);
        free(list);
        if (st != ONC_OK)
            return st;
    }
    if ((v = map_get(c, n, "figures")) != NULL) {
        onc_plan_text *list = NULL;
        size_t n_list = 0;
        p->fig_svg = p->fig_png = p->fig_pdf = 0;
        st = get_text_list(c, v, "output.figures", &list, &n_list);
        for (i = 0; st == ONC_OK && i < n_list; i++) {
            int k;
            for (k = 0; k < 3; k++)
                if (strcmp(list[i].text, figures[k]) == 0)
                    break;
            if (k == 3) {
                st = plan_fail(c, ONC_ERR_USAGE, list[i].line,
                               "'output.figures': unknown format '%s' (expected svg, png or pdf)",
                               list[i].text);
                break;
            }
            if (k == 0)
                p->fig_svg = 1;
            else if (k == 1)
                p->fig_png = 1;
            else
                p->fig_pdf = 1;
        }
        for (i = 0; i < n_list; i++)
            free(list[i].text);
        free(list);
        if (st != ONC_OK)
            return st;
    }
    return ONC_OK;
}

/* Names used elsewhere in the plan must exist. */
static onc_status check_endpoint_ref(plan_ctx *c, const onc_plan_text *t, const char *what)
{
    const onc_plan *p = c->plan;
    const char *names[64];
    const char *near;
    size_t k;

    if (onc_plan_find_endpoint(p, t->text) != NULL)
        return ONC_OK;
    for (k = 0; k < p->n_endpoints && k < 64; k++)
        names[k] = p->endpoints[k].name;
    near = report_closest(t->text, names, k);
    if (p->n_endpoints == 0)
        return plan_fail(c, ONC_ERR_USAGE, t->line, "'%s' names endpoint '%s' but the plan "
                         "defines no 'endpoints'", what, t->text);
    if (near != NULL)
        return plan_fail(c, ONC_ERR_USAGE, t->line, "'%s': unknown endpoint '%s' (did you mean '%s'?)",
                         what, t->text, near);
    return plan_fail(c, ONC_ERR_USAGE, t->line, "'%s': unknown endpoint '%s' (the plan defines %s%s%s)",
                     what, t->text, names[0], p->n_endpoints > 1 ? ", " : "",
                     p->n_endpoints > 1 ? names[1] : "");
}

static onc_status check_plan(plan_ctx *c, size_t root_line)
{
    onc_plan *p = c->plan;
    onc_status st;
    size_t i, j;

    if (p->patients.file.text == NULL)
        return plan_fail(c, ONC_ERR_USAGE, root_line, "the plan needs 'data' with 'patients' (the patient file)");
    if (p->id.text == NULL)
        return plan_fail(c, ONC_ERR_USAGE, root_line, "the plan needs 'id' (the patient identifier column)");
    if (p->arm_column.text == NULL)
        return plan_fail(c, ONC_ERR_USAGE, root_line, "the plan needs 'arms' (the treatment column)");
    for (i = 0; i < p->n_endpoints; i++)
        if (p->endpoints[i].origin.text == NULL && p->time_zero.text == NULL)
            return plan_fail(c, ONC_ERR_USAGE, p->endpoints[i].line,
                             "endpoint '%s' has no 'origin' and the plan has no 'time_zero'",
                             p->endpoints[i].name);
    for (i = 0; i < p->n_km_endpoints; i++)
        if ((st = check_endpoint_ref(c, &p->km_endpoints[i], "analyses.km.endpoints")) != ONC_OK)
            return st;
    for (i = 0; i < p->n_cox_endpoints; i++)
        if ((st = check_endpoint_ref(c, &p->cox_endpoints[i], "analyses.cox.endpoints")) != ONC_OK)
            return st;
    if (p->subgroup_endpoint.text != NULL &&
        (st = check_endpoint_ref(c, &p->subgroup_endpoint, "analyses.subgroups.endpoint")) != ONC_OK)
        return st;
    if ((p->km || p->cox || p->subgroups) && p->n_endpoints == 0)
        return plan_fail(c, ONC_ERR_USAGE, p->km ? root_line : p->cox ? p->cox_line : p->subgroups_line,
                         "survival analyses need 'endpoints'");
    if (p->response && p->lesions.file.text == NULL)
        return plan_fail(c, ONC_ERR_USAGE, p->response_line,
                         "'analyses.response' needs 'data.lesions' (the lesion measurements)");
    if (p->safety && p->adverse_events.file.text == NULL)
        return plan_fail(c, ONC_ERR_USAGE, p->safety_line,
                         "'analyses.safety' needs 'data.adverse_events'");
    for (i = 0; i < p->n_subgroup_compare; i++) {
        int found = p->n_arm_order == 0;
        for (j = 0; j < p->n_arm_order && !found; j++)
            found = strcmp(p->arm_order[j].text, p->subgroup_compare[i].text) == 0;
        if (!found)
            return plan_fail(c, ONC_ERR_USAGE, p->subgroup_compare[i].line,
                             "'analyses.subgroups.compare': arm '%s' is not in 'arms.order'",
                             p->subgroup_compare[i].text);
    }
    return ONC_OK;
}

const onc_plan_endpoint *onc_plan_find_endpoint(const onc_plan *plan, const char *name)
{
    size_t i;

    for (i = 0; i < plan->n_endpoints; i++)
        if (strcmp(plan->endpoints[i].name, name) == 0)
            return &plan->endpoints[i];
    return NULL;
}

/* `time_zero: column` or `time_zero: {column: ..., label: ...}`. */
static onc_status parse_time_zero(plan_ctx *c, yaml_node_t *n)
{
    static const char *const keys[] = {"column", "label"};
    yaml_node_t *v;
    onc_status st;

    if (n->type == YAML_SCALAR_NODE)
        return get_text(c, n, "time_zero", &c->plan->time_zero);
    if ((st = expect_map(c, n, "time_zero")) != ONC_OK)
        return st;
    if ((st = check_keys(c, n, "time_zero", keys, 2)) != ONC_OK)
        return st;
    if ((v = map_get(c, n, "column")) == NULL)
        return plan_fail(c, ONC_ERR_USAGE, node_line(n), "'time_zero' needs 'column' (a date column)");
    if ((st = get_text(c, v, "time_zero.column", &c->plan->time_zero)) != ONC_OK)
        return st;
    return opt_string(c, n, "label", "time_zero.label", &c->plan->time_zero_label);
}

static onc_status parse_root(plan_ctx *c, yaml_node_t *root)
{
    static const char *const keys[] = {"title", "subtitle", "note", "data", "id", "arms",
                                       "time_zero", "cutoff", "unit", "endpoints", "eligibility",
                                       "baseline", "analyses", "output"};
    onc_plan *p = c->plan;
    yaml_node_t *v;
    onc_status st;

    if (root->type != YAML_MAPPING_NODE)
        return plan_fail(c, ONC_ERR_USAGE, node_line(root),
                         "a study plan is a mapping of keys (title, data, id, arms, ...), found %s",
                         node_kind(root));
    if ((st = check_keys(c, root, "the plan", keys, sizeof keys / sizeof keys[0])) != ONC_OK)
        return st;
    if ((st = opt_text(c, root, "title", "title", &p->title)) != ONC_OK ||
        (st = opt_text(c, root, "subtitle", "subtitle", &p->subtitle)) != ONC_OK ||
        (st = opt_text(c, root, "note", "note", &p->note)) != ONC_OK ||
        (st = opt_text(c, root, "id", "id", &p->id)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "time_zero")) != NULL && (st = parse_time_zero(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "data")) != NULL && (st = parse_data(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "arms")) != NULL && (st = parse_arms(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "cutoff")) != NULL) {
        if ((st = get_date(c, v, "cutoff", &p->cutoff)) != ONC_OK)
            return st;
        p->cutoff_line = node_line(v);
    }
    if ((v = map_get(c, root, "unit")) != NULL && (st = get_unit(c, v, "unit", &p->unit)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "endpoints")) != NULL && (st = parse_endpoints(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "eligibility")) != NULL && (st = parse_eligibility(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "baseline")) != NULL && (st = parse_baseline(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "analyses")) != NULL && (st = parse_analyses(c, v)) != ONC_OK)
        return st;
    if ((v = map_get(c, root, "output")) != NULL && (st = parse_output(c, v)) != ONC_OK)
        return st;
    return check_plan(c, node_line(root));
}

static onc_plan *plan_new(void)
{
    onc_plan *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    p->cutoff = NAN;
    p->unit = ONC_UNIT_MONTHS;
    p->conf_level = 0.95;
    p->conf_type = ONC_CONF_LOG;
    p->cox_ties = ONC_TIES_EFRON;
    p->out_html = p->out_json = p->out_csv = 1;
    p->fig_svg = 1;
    return p;
}

onc_status onc_plan_parse(const char *text, size_t len, const char *name,
                          const char *dir, onc_plan **out, onc_error *err)
{
    plan_ctx c;
    yaml_parser_t parser;
    yaml_node_t *root;
    onc_status st = ONC_OK;
    int have_doc = 0;

    *out = NULL;
    onc_error_clear(err);
    memset(&c, 0, sizeof c);
    c.name = name ? name : "plan";
    c.err = err;
    if (len > ONC_PLAN_MAX_BYTES)
        return onc_error_set(err, ONC_ERR_LIMIT, c.name, 0, 0, NULL,
                             "the plan is larger than %u bytes", ONC_PLAN_MAX_BYTES);
    c.plan = plan_new();
    if (c.plan == NULL)
        return ONC_ERR_NOMEM;
    c.plan->source = onc_strdup(c.name);
    c.plan->dir = onc_strdup(dir ? dir : ".");
    if (c.plan->source == NULL || c.plan->dir == NULL) {
        onc_plan_free(c.plan);
        return ONC_ERR_NOMEM;
    }
    if (!yaml_parser_initialize(&parser)) {
        onc_plan_free(c.plan);
        return ONC_ERR_NOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &c.doc)) {
        st = onc_error_set(err, ONC_ERR_PARSE, c.name, 0, parser.problem_mark.line + 1, NULL,
                           "not valid YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
                           parser.context ? " " : "", parser.context ? parser.context : "");
        goto cleanup;
    }
    have_doc = 1;
    root = yaml_document_get_root_node(&c.doc);
    if (root == NULL) {
        st = onc_error_set(err, ONC_ERR_USAGE, c.name, 0, 1, NULL, "the plan is empty");
        goto cleanup;
    }
    st = parse_root(&c, root);
    if (st == ONC_OK) {
        /* A second document in the file would be ignored silently. */
        yaml_document_t extra;
        if (yaml_parser_load(&parser, &extra)) {
            if (yaml_document_get_root_node(&extra) != NULL)
                st = onc_error_set(err, ONC_ERR_USAGE, c.name, 0, extra.start_mark.line + 1, NULL,
                                   "the plan holds more than one YAML document ('---')");
            yaml_document_delete(&extra);
        }
    }
cleanup:
    if (have_doc)
        yaml_document_delete(&c.doc);
    yaml_parser_delete(&parser);
    if (st != ONC_OK) {
        if (st == ONC_ERR_NOMEM && (err == NULL || err->message[0] == '\0'))
            onc_error_set(err, st, c.name, 0, 0, NULL, "out of memory reading the plan");
        onc_plan_free(c.plan);
        return st;
    }
    *out = c.plan;
    return ONC_OK;
}

onc_status onc_plan_read(const char *path, onc_plan **out, onc_error *err)
{
    FILE *fp;
    char *buf = NULL, *dir = NULL, *slash;
    size_t len = 0, cap = 0;
    onc_status st;

    *out = NULL;
    onc_error_clear(err);
    fp = fopen(path, "rb");
    if (fp == NULL)
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot open the study plan: %s",
                             strerror(errno));
    for (;;) {
        size_t got;
        if (len == cap) {
            char *grown;
            if (cap > ONC_PLAN_MAX_BYTES) {
                fclose(fp);
                free(buf);
                return onc_error_set(err, ONC_ERR_LIMIT, path, 0, 0, NULL,
                                     "the plan is larger than %u bytes", ONC_PLAN_MAX_BYTES);
            }
            cap = cap ? cap * 2 : 8192;
            grown = realloc(buf, cap + 1);
            if (grown == NULL) {
                fclose(fp);
                free(buf);
                return ONC_ERR_NOMEM;
            }
            buf = grown;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        fclose(fp);
        free(buf);
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot read the study plan");
    }
    fclose(fp);
    dir = onc_strdup(path);
    if (dir == NULL) {
        free(buf);
        return ONC_ERR_NOMEM;
    }
    slash = strrchr(dir, '/');
    if (slash == NULL)
        dir[0] = '\0';
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    st = onc_plan_parse(buf ? buf : "", len, path, dir[0] ? dir : ".", out, err);
    free(dir);
    free(buf);
    return st;
}

static void free_texts(onc_plan_text *t, size_t n)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < n; i++)
        free(t[i].text);
    free(t);
}

static void free_file(onc_plan_file *f)
{
    size_t k;

    free(f->file.text);
    free(f->path);
    free(f->date_format.text);
    for (k = 0; k < f->n_na; k++)
        free(f->na[k]);
    free(f->na);
    for (k = 0; k < ONC_LESION_COL_N; k++)
        free(f->columns[k].text);
}

static void free_variables(onc_plan_variable *v, size_t n)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < n; i++) {
        free(v[i].variable.text);
        free(v[i].label);
        free(v[i].cuts);
    }
    free(v);
}

void onc_plan_free(onc_plan *p)
{
    size_t i, k;

    if (p == NULL)
        return;
    free(p->source);
    free(p->dir);
    free(p->title.text);
    free(p->subtitle.text);
    free(p->note.text);
    free_file(&p->patients);
    free_file(&p->lesions);
    free_file(&p->adverse_events);
    free(p->id.text);
    free(p->arm_column.text);
    free_texts(p->arm_order, p->n_arm_order);
    for (i = 0; i < p->n_arm_labels; i++) {
        free(p->arm_labels[i].value.text);
        free(p->arm_labels[i].label);
    }
    free(p->arm_labels);
    free(p->arm_reference.text);
    free(p->time_zero.text);
    free(p->time_zero_label);
    for (i = 0; i < p->n_endpoints; i++) {
        onc_plan_endpoint *e = &p->endpoints[i];
        free(e->name);
        free(e->label);
        free(e->origin.text);
        for (k = 0; k < e->n_events; k++) {
            free(e->events[k].column.text);
            free(e->events[k].label);
        }
        free(e->events);
        free(e->censor.text);
        free(e->death.text);
    }
    free(p->endpoints);
    for (i = 0; i < p->n_eligibility; i++) {
        free(p->eligibility[i].criterion.text);
        free(p->eligibility[i].reason);
    }
    free(p->eligibility);
    free_variables(p->baseline, p->n_baseline);
    free_texts(p->km_endpoints, p->n_km_endpoints);
    free(p->km_times);
    free_texts(p->cox_endpoints, p->n_cox_endpoints);
    free_texts(p->cox_univariable, p->n_cox_univariable);
    free_texts(p->cox_adjusted, p->n_cox_adjusted);
    free(p->subgroup_endpoint.text);
    free_variables(p->subgroup_vars, p->n_subgroup_vars);
    free_texts(p->subgroup_compare, p->n_subgroup_compare);
    free(p->criteria);
    free(p->criteria_line);
    free(p->response_organ.text);
    free(p);
}

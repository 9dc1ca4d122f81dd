/*
** surv.c -- survival arrays from the model frame, and landmark subsets.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "surv.h"

/* The arrays a landmark subset owns. */
typedef struct cli_surv_copy {
    double *time, *status, *weights;
    int32_t *group, *stratum, *cluster;
    size_t *row;
} cli_surv_copy;

static void cli_surv_copy_free(cli_surv_copy *c)
{
    if (c == NULL)
        return;
    free(c->time);
    free(c->status);
    free(c->weights);
    free(c->group);
    free(c->stratum);
    free(c->cluster);
    free(c->row);
    free(c);
}

void cli_surv_free(cli_surv *s)
{
    cli_surv_copy_free(s->owned);
    s->owned = NULL;
}

int cli_surv_number(const char *cmd, const char *option, const char *text,
                    double *out)
{
    char *end;
    double v = strtod(text, &end);

    if (end == text || *end != '\0' || !isfinite(v)) {
        fprintf(stderr, "oncostat %s: %s: expected a number, found '%s'\n",
                cmd, option, text);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_surv_fail(const cli_surv *s, const char *cmd, const onc_error *err,
                  onc_status rc)
{
    if (err != NULL && err->row > 0 && err->row <= s->n) {
        /* The library counts the observations it was given; people count
        ** the rows of their file. */
        const char *msg = strstr(err->message, ": ");
        fprintf(stderr, "oncostat %s: row %zu%s%s%s: %s\n", cmd,
                s->row[err->row - 1], err->column[0] ? ", column '" : "",
                err->column, err->column[0] ? "'" : "",
                msg != NULL ? msg + 2 : err->message);
    } else if (err != NULL && err->message[0] != '\0') {
        fprintf(stderr, "oncostat %s: %s\n", cmd, err->message);
    } else {
        fprintf(stderr, "oncostat %s: %s\n", cmd, onc_status_string(rc));
    }
    return rc == ONC_ERR_COMPUTE || rc == ONC_ERR_NOMEM ? CLI_COMPUTE
                                                        : CLI_USAGE;
}

/* Keep the observations marked ONC_LANDMARK_KEPT, in order. */
static int cli_surv_landmark(cli_analysis *a, const char *cmd, cli_surv *s)
{
    const onc_model *m = a->model;
    cli_surv_copy *c = calloc(1, sizeof *c);
    unsigned char *outcome = malloc(m->n ? m->n : 1);
    double *shifted = malloc((m->n ? m->n : 1) * sizeof *shifted);
    char ended[160], late[160], lm[40];
    size_t i, k = 0, kept = 0;
    onc_error err;
    onc_status rc;
    int code = CLI_OK;

    if (c == NULL || outcome == NULL || shifted == NULL)
        goto nomem;
    s->owned = c;
    onc_error_clear(&err);
    rc = onc_km_landmark(s->n, s->time, s->entry, s->landmark, outcome,
                         shifted, &kept, &err);
    if (rc != ONC_OK) {
        code = cli_surv_fail(s, cmd, &err, rc);
        goto cleanup;
    }
    c->time = malloc((kept ? kept : 1) * sizeof *c->time);
    c->status = malloc((kept ? kept : 1) * sizeof *c->status);
    c->group = malloc((kept ? kept : 1) * sizeof *c->group);
    c->row = malloc((kept ? kept : 1) * sizeof *c->row);
    if (s->weights != NULL)
        c->weights = malloc((kept ? kept : 1) * sizeof *c->weights);
    if (s->stratum != NULL)
        c->stratum = malloc((kept ? kept : 1) * sizeof *c->stratum);
    if (s->cluster != NULL)
        c->cluster = malloc((kept ? kept : 1) * sizeof *c->cluster);
    if (c->time == NULL || c->status == NULL || c->group == NULL ||
        c->row == NULL || (s->weights != NULL && c->weights == NULL) ||
        (s->stratum != NULL && c->stratum == NULL) ||
        (s->cluster != NULL && c->cluster == NULL))
        goto nomem;
    onc_format_double(s->landmark, lm, sizeof lm);
    snprintf(ended, sizeof ended, "event or censoring at or before the "
                                  "landmark %s", lm);
    snprintf(late, sizeof late, "entry after the landmark %s", lm);
    for (i = 0; i < s->n; i++) {
        if (outcome[i] != ONC_LANDMARK_KEPT) {
            if (onc_exclusions_add(&a->excluded,
                                   outcome[i] == ONC_LANDMARK_ENDED ? ended
                                                                    : late,
                                   s->row[i]) != ONC_OK)
                goto nomem;
            continue;
        }
        c->time[k] = shifted[i];
        c->status[k] = s->status[i];
        c->group[k] = s->group[i];
        c->row[k] = s->row[i];
        if (c->weights != NULL)
            c->weights[k] = s->weights[i];
        if (c->stratum != NULL)
            c->stratum[k] = s->stratum[i];
        if (c->cluster != NULL)
            c->cluster[k] = s->cluster[i];
        k++;
    }
    s->n = kept;
    s->time = c->time;
    s->entry = NULL;    /* everyone kept is at risk from the landmark on */
    s->status = c->status;
    s->group = c->group;
    s->row = c->row;
    s->weights = c->weights;
    s->stratum = c->stratum;
    s->cluster = c->cluster;
    if (kept == 0) {
        fprintf(stderr, "oncostat %s: no patient is under follow-up after "
                        "the landmark %s\n", cmd, lm);
        code = CLI_COMPUTE;
    }
    goto cleanup;

nomem:
    fprintf(stderr, "oncostat %s: out of memory\n", cmd);
    code = CLI_COMPUTE;
cleanup:
    free(outcome);
    free(shifted);
    return code;
}

int cli_surv_take(cli_analysis *a, const char *cmd, double landmark,
                  cli_surv *s)
{
    const onc_model *m = a->model;

    memset(s, 0, sizeof *s);
    s->landmark = landmark;
    switch (m->kind) {
    case ONC_RESPONSE_SURV:
        s->time = m->time;
        break;
    case ONC_RESPONSE_COUNTING:
        s->entry = m->time;
        s->time = m->time2;
        break;
    default:
        fprintf(stderr, "oncostat %s: the formula needs a survival response, "
                        "e.g. 'Surv(time, status) ~ arm'\n", cmd);
        return CLI_USAGE;
    }
    s->n = m->n;
    s->status = m->status;
    s->weights = m->weights;
    s->group = m->group;
    s->n_groups = m->n_groups;
    s->stratum = m->strata;
    s->n_strata = m->n_strata;
    s->cluster = m->cluster;
    s->n_clusters = m->n_clusters;
    s->row = m->row;
    /* The model's labels are not const-qualified; the renderers only read. */
    s->labels.n_groups = m->n_groups;
    s->labels.labels = (const char *const *)m->group_labels;
    s->labels.n_vars = m->n_group_vars;
    s->labels.vars = (const char *const *)m->group_vars;
    s->labels.values = (const char *const *const *)m->group_values;
    if (!isnan(landmark))
        return cli_surv_landmark(a, cmd, s);
    return CLI_OK;
}

/*
** surv.h -- the survival arrays that `oncostat km` and `oncostat logrank`
** take from a model frame, after an optional landmark.
*/
#ifndef ONC_CLI_SURV_H
#define ONC_CLI_SURV_H

#include "cli.h"

typedef struct cli_surv {
    size_t n;
    const double *time;       /* exit times */
    const double *entry;      /* delayed entry, NULL without */
    const double *status;     /* 1 event, 0 censored */
    const double *weights;    /* NULL without --weights */
    const int32_t *group;
    size_t n_groups;
    const int32_t *stratum;   /* NULL without strata() */
    size_t n_strata;
    const int32_t *cluster;   /* NULL without cluster() */
    size_t n_clusters;
    const size_t *row;        /* 1-based data row of each observation */
    onc_group_labels labels;  /* the model's group names */
    double landmark;          /* NaN without --landmark */
    void *owned;              /* the landmark's copies, freed by cli_surv_free */
} cli_surv;

/*
** Take the survival arrays of a->model (Surv(time, event) or
** Surv(start, stop, event)); with a finite landmark keep only the rows
** under follow-up at it, shift their times and add the others to
** a->excluded.  Returns an exit code, the reason printed.
*/
int cli_surv_take(cli_analysis *a, const char *cmd, double landmark,
                  cli_surv *s);
void cli_surv_free(cli_surv *s);

/* Print a library error about observation err->row as "row R" of the data
** file, and return the exit code for rc. */
int cli_surv_fail(const cli_surv *s, const char *cmd, const onc_error *err,
                  onc_status rc);

/* Parse a finite number option value; prints the reason on failure. */
int cli_surv_number(const char *cmd, const char *option, const char *text,
                    double *out);

#endif

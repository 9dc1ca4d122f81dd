/*
** oncostat/tvsplit.h -- treatment that starts after time zero: start-stop
** (counting-process) data with a time-varying treatment indicator, landmark
** selection by treatment received at the landmark, and a summary of the
** immortal time a naive "ever treated" comparison would misclassify.
**
** Immortal time (Suissa 2008, Am J Epidemiol 167:492-499): a patient who
** is treated at time t > 0 had to survive until t to be treated.  Counting
** that patient as treated from time zero credits the treatment with the
** event-free time before t and biases the comparison in its favour.  The
** two standard remedies are a time-varying treatment (the patient is
** untreated before t and treated after) and a landmark analysis (Anderson,
** Cain & Gelber 1983): keep patients under follow-up at a landmark L,
** classify them by the treatment received by L, count time from L.
**
** Conventions shared by the functions below.  Patients are given by
**   time        n follow-up times (> 0), from time zero to event or censoring
**   status      n values, 1 = event, 0 = censored
**   treat_time  n treatment start times on the same scale, NaN = never
**               treated (or NULL: nobody treated)
** A treatment time at or before 0 means treated from time zero; one at or
** after the end of follow-up means no treated follow-up (the treatment was
** not observed while the patient was under follow-up).  These are the
** rules of R survival's tmerge(..., tdc(treat_time)).  NaN or infinite
** times, a time <= 0, a status other than 0/1, and an infinite treatment
** time are ONC_ERR_DATA naming the 1-based patient (err->row).
*/
#ifndef ONCOSTAT_TVSPLIT_H
#define ONCOSTAT_TVSPLIT_H

#include <stddef.h>

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Start-stop rows: (start, stop] intervals of follow-up. */
typedef struct onc_tv_data {
    size_t n;               /* rows (at most 2 per patient) */
    double *start;          /* n */
    double *stop;           /* n */
    double *status;         /* n: 1 = event at `stop` */
    double *treated;        /* n: treatment indicator on the interval, 0/1 */
    size_t *source;         /* n: 0-based index of the patient */
    size_t n_patients;
    size_t n_split;         /* patients whose follow-up was split in two */
} onc_tv_data;

/*
** Split each patient at the treatment time, as
**     tmerge(d, d, id = id, death = event(time, status),
**            treated = tdc(treat_time))
** does: with 0 < treat_time < time the patient gets the rows
** (0, treat_time] untreated and censored, and (treat_time, time] treated
** with the patient's status; otherwise one row (0, time] with treated = 1
** when treat_time <= 0 and 0 when it is missing or >= time.  Rows keep the
** patients' order (a patient's rows in time order).
*/
onc_status onc_tvsplit(size_t n, const double *time, const double *status,
                       const double *treat_time, onc_tv_data **out,
                       onc_error *err);
void onc_tv_data_free(onc_tv_data *d);

/* A landmark data set. */
typedef struct onc_landmark_data {
    double landmark;
    size_t n;               /* patients kept */
    size_t *source;         /* n: 0-based index of each kept patient */
    double *time;           /* n: time - landmark */
    double *status;         /* n */
    double *treated;        /* n: 1 when treat_time <= landmark */
    size_t n_patients;      /* patients offered */
    size_t n_ended;         /* event or censoring at or before the landmark */
    size_t n_treated;       /* kept and treated by the landmark */
    size_t n_treated_later; /* kept, treated after the landmark: analysed as
                               untreated, as the landmark design requires */
} onc_landmark_data;

/*
** Landmark selection: keep the patients with time > landmark (an event or
** censoring exactly at the landmark is before its risk set, as
** onc_km_landmark), classify them by treat_time <= landmark, and measure
** time from the landmark.  The landmark must be finite and >= 0.
*/
onc_status onc_landmark_select(size_t n, const double *time,
                               const double *status, const double *treat_time,
                               double landmark, onc_landmark_data **out,
                               onc_error *err);
void onc_landmark_data_free(onc_landmark_data *d);

/* What a naive comparison of ever- against never-treated patients does. */
typedef struct onc_immortal_summary {
    size_t n;                   /* patients */
    /* "Ever treated" in the naive sense: a treatment time not after the
    ** end of follow-up (treat_time <= time). */
    size_t n_treated;
    size_t n_treated_at_zero;   /* treat_time <= 0 */
    size_t n_treated_later;     /* 0 < treat_time <= time: these patients
                                   carry immortal time */
    size_t n_treated_after_end; /* treat_time > time: counted untreated */
    double immortal_time;       /* sum of treat_time over the later-treated
                                   patients: follow-up before treatment that
                                   the naive analysis counts as treated */
    double treated_time;        /* total follow-up of the naive treated */
    double immortal_share;      /* immortal_time / treated_time (NaN if 0) */
    double total_time;          /* total follow-up of all patients */
    /* Delay from time zero to treatment among the later-treated patients
    ** (NaN when there are none); the median is R's median(). */
    double delay_median, delay_min, delay_max;
} onc_immortal_summary;

/* Fill *out (no allocation). */
onc_status onc_immortal_summarize(size_t n, const double *time,
                                  const double *treat_time,
                                  onc_immortal_summary *out, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_TVSPLIT_H */

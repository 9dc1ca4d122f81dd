/*
** km_landmark.c -- the subset and time shift of a landmark analysis.
*/
#include <math.h>

#include "oncostat/km.h"

/*
** Landmark selection.
**
** Method: Anderson, Cain & Gelber (1983), J Clin Oncol 1:710-719.  Only
** patients still under follow-up at the landmark L enter the analysis, and
** time is counted from L, so that nobody's time before L (when group
** membership was still being decided) counts as survival in a group.
** Kept: time > L (an event or censoring exactly at L is before the
** landmark's risk set, as R's subset(time > L)), and entry <= L with
** delayed entry (someone entering later was not under follow-up at L).
** Inputs: n observations; time, entry (or NULL) of length n; L finite.
** Outputs: outcome[n], time_out[n], *n_kept.
** NaN policy: NaN or infinite times are ONC_ERR_DATA naming the 1-based
** observation; nothing is written after the first bad observation's index.
*/
onc_status onc_km_landmark(size_t n, const double *time, const double *entry,
                           double landmark, unsigned char *outcome,
                           double *time_out, size_t *n_kept, onc_error *err)
{
    size_t i, kept = 0;

    if ((n > 0 && (time == NULL || outcome == NULL || time_out == NULL)) ||
        n_kept == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_km_landmark: missing argument");
    *n_kept = 0;
    if (!isfinite(landmark))
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "the landmark time must be a finite number");
    for (i = 0; i < n; i++) {
        double t = time[i];

        if (!isfinite(t) || (entry != NULL && !isfinite(entry[i]))) {
            onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0,
                          isfinite(t) ? "entry" : "time",
                          "observation %zu: %s is missing or not finite",
                          i + 1, isfinite(t) ? "entry time" : "time");
            if (err != NULL)
                err->row = i + 1;
            return ONC_ERR_DATA;
        }
        if (!(t > landmark)) {
            outcome[i] = ONC_LANDMARK_ENDED;
            time_out[i] = NAN;
        } else if (entry != NULL && entry[i] > landmark) {
            outcome[i] = ONC_LANDMARK_LATE_ENTRY;
            time_out[i] = NAN;
        } else {
            outcome[i] = ONC_LANDMARK_KEPT;
            time_out[i] = t - landmark;
            kept++;
        }
    }
    *n_kept = kept;
    return ONC_OK;
}

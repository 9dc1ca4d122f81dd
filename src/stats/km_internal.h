/*
** stats/km_internal.h -- pieces of the Kaplan-Meier module shared between
** its files (internal to the library).
*/
#ifndef ONC_STATS_KM_INTERNAL_H
#define ONC_STATS_KM_INTERNAL_H

#include "oncostat/km.h"
#include "stats/sort.h"

/*
** Replace rows[].std_err (SE of S) and rows[].cumhaz_se of every curve of
** `fit` by their infinitesimal-jackknife values (km_robust.c).  The rows'
** counts and estimates must be final.  `exits` (and `entries` when entry is
** not NULL) are the sorts of onc_km_fit_groups made with the observation
** index as payload.  cluster may be NULL (one cluster per observation);
** its codes must have been checked against n_clusters.
*/
onc_status km_robust_variance(onc_km_fit *fit, size_t n, const double *time,
                              const double *entry, const double *status,
                              const double *weights, const int32_t *group,
                              const int32_t *cluster, size_t n_clusters,
                              const onc_sorted *exits,
                              const onc_sorted *entries, onc_error *err);

#endif

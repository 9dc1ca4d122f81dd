/*
** oncostat/simulate.h -- synthetic study data for examples, documentation
** and tests.
**
** The data are invented.  They are generated from a fixed random seed with
** GSL's Mersenne Twister, so the same seed and options give the same files
** byte for byte.  They resemble a retrospective cohort of patients with
** liver metastases of a gastrointestinal stromal tumour (GIST) treated with
** imatinib alone, imatinib plus hepatic resection, or imatinib plus
** radiofrequency ablation or transarterial chemoembolisation; the effect
** sizes are chosen to look like published series, not to reproduce any.
** examples/gist-liver-mets/README.md describes the model.
*/
#ifndef ONCOSTAT_SIMULATE_H
#define ONCOSTAT_SIMULATE_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ONC_SIMULATE_DEFAULT_SEED 1UL
#define ONC_SIMULATE_DEFAULT_PATIENTS 252
#define ONC_SIMULATE_MAX_PATIENTS 1000000

typedef struct onc_simulate_options {
    unsigned long seed;         /* ONC_SIMULATE_DEFAULT_SEED */
    size_t n_patients;          /* screened patients; ONC_SIMULATE_DEFAULT_PATIENTS */
} onc_simulate_options;

void onc_simulate_options_init(onc_simulate_options *opt);

/*
** Write the GIST liver-metastasis cohort into directory `dir` (created if
** needed): patients.csv (one row per screened patient, with dates of
** diagnosis of liver metastases, progression, death and last follow-up),
** lesions.csv (target, non-target and new lesions at baseline and every
** scan: diameters, viable diameters and attenuation) and
** adverse_events.csv (CTCAE terms and grades).  Each file is written
** atomically.  Errors: ONC_ERR_USAGE (bad options), ONC_ERR_IO,
** ONC_ERR_NOMEM.
*/
onc_status onc_simulate_gist_liver(const char *dir, const onc_simulate_options *opt,
                                   onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_SIMULATE_H */

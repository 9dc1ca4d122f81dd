/*
** cox_profile.h -- covariate profiles for `oncostat cox --predict`:
** "age=60,sex=Female" turned into a row of the model's design matrix.
*/
#ifndef ONC_CLI_COX_PROFILE_H
#define ONC_CLI_COX_PROFILE_H

#include "cli.h"

/*
** Fill row[0..p) (p = model->p) for the profile `spec`, a comma-separated
** list of VARIABLE=VALUE.  Variables not named take their reference level
** (factors) or their mean over the rows of the model (numbers).  `label`
** receives the profile as shown ("age=60, sex=Female, ecog=0"; every
** variable of the model, the defaults included).  Returns 0, or -1 after
** printing the reason (unknown variable or level, a value that is not a
** number).
*/
int cli_cox_profile(const cli_analysis *a, const char *spec, double *row,
                    char *label, size_t label_cap);

#endif

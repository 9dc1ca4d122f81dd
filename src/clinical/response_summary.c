/*
** response_summary.c -- objective response and disease control rates from
** the best overall responses (see onc_response_summarise in
** oncostat/response.h).
*/
#include <stddef.h>

#include "oncostat/response.h"

/*
** Response rates.
** Method: count / patients with the interval of onc_rates_proportion
**   (Clopper-Pearson = binom.test, Wilson = prop.test without continuity
**   correction).  The denominator is every patient of the result, NE
**   included: a patient who could not be assessed is not a responder.
** Inputs: result (its best_count[ONC_RESPONSE_N] and n_patients).
** Output: *out.
** NaN policy: with no patient every estimate and limit is NaN.
*/
onc_status onc_response_summarise(const onc_response_result *result,
                                  double conf_level, onc_binomial_ci ci,
                                  onc_response_summary *out, onc_error *err)
{
    const size_t *c;
    size_t k, n;
    onc_status st;

    if (result == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "missing response result or summary");
    c = result->best_count;
    n = result->n_patients;
    out->n_patients = n;
    for (k = 0; k < ONC_RESPONSE_N; k++)
        if ((st = onc_rates_proportion(c[k], n, conf_level, ci, &out->best[k],
                                       err)) != ONC_OK)
            return st;
    if ((st = onc_rates_proportion(c[ONC_RESP_CR] + c[ONC_RESP_PR], n, conf_level,
                                   ci, &out->orr, err)) != ONC_OK)
        return st;
    return onc_rates_proportion(c[ONC_RESP_CR] + c[ONC_RESP_PR] + c[ONC_RESP_SD],
                                n, conf_level, ci, &out->dcr, err);
}

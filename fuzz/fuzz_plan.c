/*
** fuzz_plan.c -- libFuzzer target: arbitrary bytes as a YAML study plan.
**
** The plan parser reads no data files (columns are checked later, by
** onc_report_run), so the target exercises only the YAML walk, the key
** checks and the caps.  Besides memory errors it checks that every failure
** carries a message naming the plan.
**
**   make fuzz && build-fuzz/fuzz_plan fuzz/corpus/fuzz_plan
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onc_plan *plan = NULL;
    onc_error err;
    onc_status rc;

    onc_error_clear(&err);
    rc = onc_plan_parse((const char *)data, size, "fuzz.yaml", "/nonexistent", &plan, &err);
    if (rc != ONC_OK) {
        if (plan != NULL || err.message[0] == '\0' || strstr(err.message, "fuzz.yaml") == NULL)
            abort();
    } else if (plan == NULL) {
        abort();
    }
    onc_plan_free(plan);
    return 0;
}

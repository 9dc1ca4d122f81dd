/*
** fuzz_statfile.c -- libFuzzer target for the SPSS and Stata readers.
**
** Each input is handed, from memory, to the .sav and the .dta parser (the
** ReadStat I/O handlers of onc_statfile_read_buffer read from the buffer),
** then to format detection.  Any outcome is fine except a crash, a leak or
** undefined behaviour; a frame that is returned must be consistent.
**
**   make fuzz && build-fuzz/fuzz_statfile fuzz/corpus/fuzz_statfile
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "oncostat/statfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const onc_frame *f)
{
    size_t j, i;

    for (j = 0; j < f->n_cols; j++) {
        const onc_column *c = &f->cols[j];
        if (c->name == NULL)
            abort();
        for (i = 0; i < f->n_rows; i++) {
            if (c->type == ONC_COL_FACTOR) {
                if (c->code[i] < -1 || (c->code[i] >= 0 && (size_t)c->code[i] >= c->n_levels))
                    abort();
            } else {
                volatile double x = c->num[i];
                (void)x;
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const onc_format formats[] = {ONC_FORMAT_SAV, ONC_FORMAT_DTA, ONC_FORMAT_AUTO};
    size_t k;

    for (k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        onc_frame *f = NULL;
        onc_error err;
        if (onc_statfile_read_buffer(data, size, formats[k], NULL, &f, &err) == ONC_OK) {
            check_frame(f);
            onc_frame_free(f);
        } else if (f != NULL || err.message[0] == '\0') {
            abort();
        }
    }
    return 0;
}

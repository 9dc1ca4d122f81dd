/*
** oncostat/read.h -- read a data file of any supported format into a frame.
**
** The format comes from the file extension (.csv, .tsv, .txt, .sav, .zsav,
** .por, .dta, .sas7bdat, .xpt) unless `format` names one.  CSV options apply
** to delimited text only.
*/
#ifndef ONCOSTAT_READ_H
#define ONCOSTAT_READ_H

#include "oncostat/io.h"
#include "oncostat/statfile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct onc_read_options {
    onc_format format;          /* ONC_FORMAT_AUTO: from the extension */
    onc_csv_options csv;
} onc_read_options;

void onc_read_options_init(onc_read_options *opt);

onc_status onc_read(const char *path, const onc_read_options *opt,
                    onc_frame **out, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif

/*
** oncostat.h -- the public API of the oncostat library.
**
** oncostat turns patient-level data from cancer treatment studies into the
** results a clinical paper reports.  Data flows one way:
**
**   io (read.h, io.h, statfile.h)      files → data frames
**   data (frame.h, date.h, expr.h, formula.h, model.h, endpoint.h)
**                                      typed columns, formulas, endpoints
**   stats, clinical (km.h, logrank.h, cox.h, rates.h, response.h, ae.h, ps.h)
**                                      estimators on plain arrays
**   render (render.h, plot.h)          text, JSON, CSV, figures
**   report (report.h)                  study plans → complete reports
**
** If it is not declared in one of these headers, it is not a published API.
** The conventions shared by every function are in oncostat/core.h.
*/
#ifndef ONCOSTAT_H
#define ONCOSTAT_H

#include "oncostat/core.h"
#include "oncostat/frame.h"
#include "oncostat/date.h"
#include "oncostat/io.h"
#include "oncostat/statfile.h"
#include "oncostat/read.h"
#include "oncostat/expr.h"
#include "oncostat/formula.h"
#include "oncostat/model.h"
#include "oncostat/endpoint.h"
#include "oncostat/endpoint_render.h"
#include "oncostat/km.h"
#include "oncostat/logrank.h"
#include "oncostat/cox.h"
#include "oncostat/ps.h"
#include "oncostat/render.h"
#include "oncostat/plot.h"
#include "oncostat/plot_adapt.h"
#include "oncostat/km_render.h"

#include "oncostat/report.h"
#include "oncostat/simulate.h"

#include "oncostat/rates.h"
#include "oncostat/response.h"
#include "oncostat/ae.h"
#include "oncostat/response_render.h"
#include "oncostat/rates_render.h"
#include "oncostat/ae_render.h"
#include "oncostat/tvsplit.h"
#include "oncostat/ps_outcome.h"
#include "oncostat/ps_render.h"
#include "oncostat/immortal.h"
#include "oncostat/immortal_render.h"
#include "oncostat/cox_render.h"
#endif

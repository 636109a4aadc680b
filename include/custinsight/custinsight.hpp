#pragma once

/// @file custinsight.hpp
/// @brief Everything in one include: ingest -> summarise -> fit -> score -> report.

#include "custinsight/beta_geo.hpp"
#include "custinsight/beta_geo_beta_binom.hpp"
#include "custinsight/clv.hpp"
#include "custinsight/gamma_gamma.hpp"
#include "custinsight/model_io.hpp"
#include "custinsight/modified_beta_geo.hpp"
#include "custinsight/churn/cox.hpp"
#include "custinsight/churn/design.hpp"
#include "custinsight/churn/gram.hpp"
#include "custinsight/churn/logistic.hpp"
#include "custinsight/churn/metrics.hpp"
#include "custinsight/churn/model_io.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/pareto_nbd.hpp"
#include "custinsight/patterns.hpp"
#include "custinsight/rfm.hpp"
#include "custinsight/satisfaction/all.hpp"
#include "custinsight/sentiment.hpp"
#include "custinsight/simulate.hpp"
#include "custinsight/status.hpp"
#include "custinsight/touchpoint.hpp"
#include "custinsight/version.hpp"

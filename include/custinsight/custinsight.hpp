#pragma once

/// @file custinsight.hpp
/// @brief Everything in one include: ingest -> summarise -> fit -> score -> report.

#include "custinsight/loyalty.hpp"
#include "custinsight/churn/cox.hpp"
#include "custinsight/churn/design.hpp"
#include "custinsight/churn/gram.hpp"
#include "custinsight/churn/logistic.hpp"
#include "custinsight/churn/metrics.hpp"
#include "custinsight/churn/model_io.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/rfm.hpp"
#include "custinsight/satisfaction/all.hpp"
#include "custinsight/sentiment.hpp"
#include "custinsight/simulation.hpp"
#include "custinsight/status.hpp"
#include "custinsight/touchpoint.hpp"
#include "custinsight/version.hpp"
#include "custinsight/insight/config.hpp"
#include "custinsight/insight/scoring.hpp"
#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/pipeline.hpp"

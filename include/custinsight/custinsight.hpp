#pragma once

/// @file custinsight.hpp
/// @brief Everything in one include: ingest -> summarise -> fit -> score -> report.

#include "custinsight/parallel.hpp"
#include "custinsight/rfm.hpp"
#include "custinsight/satisfaction/all.hpp"
#include "custinsight/sentiment.hpp"
#include "custinsight/simulate.hpp"
#include "custinsight/status.hpp"
#include "custinsight/touchpoint.hpp"
#include "custinsight/version.hpp"

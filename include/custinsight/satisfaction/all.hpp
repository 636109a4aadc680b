#pragma once

/// @file all.hpp
/// @brief Sentiment-weighted satisfaction across touchpoints, and conversation quality:
/// survey metrics, per-response scores, roll-ups, drivers, conversations and alerts.

#include "custinsight/satisfaction/alerts.hpp"
#include "custinsight/satisfaction/common.hpp"
#include "custinsight/satisfaction/conversation.hpp"
#include "custinsight/satisfaction/conversation_text.hpp"
#include "custinsight/satisfaction/drivers.hpp"
#include "custinsight/satisfaction/rollup.hpp"
#include "custinsight/satisfaction/survey_metrics.hpp"
#include "custinsight/satisfaction/weighted.hpp"

#pragma once

/// @file sentiment.hpp
/// @brief Rule-based sentiment scoring (VADER-exact, with a corrected mode), lexicons, the
/// embedded default lexicon and batch scoring.

#include "custinsight/sentiment/analyzer.hpp"
#include "custinsight/sentiment/batch.hpp"
#include "custinsight/sentiment/default_lexicon.hpp"
#include "custinsight/sentiment/lexicon.hpp"

#pragma once

/// @file beta_geo.hpp
/// @brief BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): purchases
/// are Poisson with a Gamma(r, alpha)-distributed rate; after each repeat purchase the customer
/// drops out with a Beta(a, b)-distributed probability.

#include "custinsight/loyalty/detail/beta_geo_family.hpp"

namespace custinsight {

/// @brief The BG/NBD model; parameters (r, alpha, a, b).
class BetaGeoModel : public detail::BetaGeoFamilyModel<0> {};

/// Free prediction kernels of BG/NBD over arrays, for callers that hold only parameters.
using BetaGeoKernels = BetaGeoFamily<0>;

}  // namespace custinsight

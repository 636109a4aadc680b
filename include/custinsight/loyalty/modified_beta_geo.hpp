#pragma once

/// @file modified_beta_geo.hpp
/// @brief MBG/NBD (Batislam, Denizel & Filiztekin 2007): as BG/NBD, but a customer may also
/// drop out right after the first purchase, so customers without repeat purchases are not
/// certainly alive.

#include "custinsight/loyalty/detail/beta_geo_family.hpp"

namespace custinsight {

/// @brief The MBG/NBD model; parameters (r, alpha, a, b).
class ModifiedBetaGeoModel : public detail::BetaGeoFamilyModel<1> {};

/// Free prediction kernels of MBG/NBD over arrays.
using ModifiedBetaGeoKernels = BetaGeoFamily<1>;

}  // namespace custinsight

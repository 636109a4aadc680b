// The loyalty model loader on arbitrary text, for every model type: anything that is not a model
// of that type is an error (never an exception or a crash); a model that loads saves and reloads
// to the same parameters.

#include <cstdint>
#include <string_view>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/beta_geo_beta_binom.hpp"
#include "custinsight/loyalty/gamma_gamma.hpp"
#include "custinsight/loyalty/model_io.hpp"
#include "custinsight/loyalty/modified_beta_geo.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"
#include "fuzz_check.hpp"

namespace ci = custinsight;

namespace {

template <class Lik, class Model>
void load_as(std::string_view text) {
  auto loaded = ci::model_from_json(text, Lik::kModelName, Lik::kNames);
  if (!loaded.ok()) return;
  CUSTINSIGHT_FUZZ_CHECK(loaded->params.size() == static_cast<Eigen::Index>(Lik::kNames.size()));
  Model model;
  if (!model.set_result(*loaded).ok()) return;
  const std::string saved = ci::model_to_json(Lik::kModelName, Lik::kNames, *model.result());
  auto reloaded = ci::model_from_json(saved, Lik::kModelName, Lik::kNames);
  CUSTINSIGHT_FUZZ_CHECK(reloaded.ok());
  CUSTINSIGHT_FUZZ_CHECK(reloaded->params == loaded->params);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  load_as<ci::detail::BetaGeoFamilyLikelihood<0>, ci::BetaGeoModel>(text);
  load_as<ci::detail::BetaGeoFamilyLikelihood<1>, ci::ModifiedBetaGeoModel>(text);
  load_as<ci::detail::ParetoNBDLikelihood, ci::ParetoNBDModel>(text);
  load_as<ci::detail::BetaGeoBetaBinomLikelihood, ci::BetaGeoBetaBinomModel>(text);
  load_as<ci::detail::GammaGammaLikelihood, ci::GammaGammaModel>(text);
  return 0;
}

#include "common/report/report_document.h"

#include <nlohmann/json.hpp>
#include <optional>

// nlohmann/json 3.11 has no std::optional: null when empty.
namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  template <class Json>
  static void to_json(Json& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
  template <class Json>
  static void from_json(const Json& j, std::optional<T>& value) {
    if (j.is_null()) {
      value.reset();
    } else {
      value = j.template get<T>();
    }
  }
};
}  // namespace nlohmann

namespace strata {

// Enumerations travel by name, so a document outlives a reordering of them.
inline void to_json(nlohmann::json& j, Ecosystem e) { j = to_string(e); }
inline void from_json(const nlohmann::json& j, Ecosystem& e) {
  auto parsed = parse_ecosystem(j.get<std::string>());
  if (!parsed) throw std::invalid_argument("unknown ecosystem " + j.get<std::string>());
  e = *parsed;
}
inline void to_json(nlohmann::json& j, SeverityLevel s) { j = to_string(s); }
inline void from_json(const nlohmann::json& j, SeverityLevel& s) {
  s = parse_severity_level(j.get<std::string>()).value_or(SeverityLevel::kUnknown);
}

// Every member of every type a report holds; a member missing from a document keeps its default.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Package, ecosystem, name, version, source_name, source_version, arch,
                                                path, os_owner)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImagePackage, package, layer)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Distro, id, version, namespace_)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SecretFinding, rule_id, title, severity, path, line, redacted,
                                                fingerprint)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageSecret, secret, layer, removed_later)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageFacts::File, path, layer, mode, above_base)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageFacts::Cache, layer, kind, bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageFacts, setid, world_writable, root_ssh, present, caches)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LayerEfficiency, layer, bytes_added, files_added, bytes_wasted,
                                                files_wasted)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WastedFile, path, layer, bytes, hidden_by, deleted)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageEfficiency, layers, total_bytes, wasted_bytes, score,
                                                largest_wasted, measured)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageView, packages, distro, secrets, facts, efficiency)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LayerInfo, digest, diff_id, size, media_type, foreign)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RuntimeConfig, user, env, entrypoint, cmd, labels, exposed_ports,
                                                healthcheck, working_dir)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HistoryEntry, created_by, empty_layer)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Misconfiguration, id, title, severity, fix, evidence, layer)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageInventory, ref, digest, config_digest, os, arch, layers, ref_tag,
                                                ref_pinned, runtime, history, view, misconfigurations, warnings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Finding, id, aliases, summary, package, installed_version,
                                                fixed_version, severity, severity_source, cvss_score, cvss_vector)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FilterResult, kept, secrets, misconfigurations, ignored_by_rule,
                                                filtered_by_severity, filtered_unfixed, suppressed_by_vex,
                                                vex_justifications)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DbStamp, generation, updated_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ScanReport, inventory, db, result, warnings)

namespace {
constexpr const char* kSchema = "strata.report-document/v1";
}  // namespace

std::string encode_report_document(const ScanReport& report) {
  nlohmann::json doc = report;
  doc["schema"] = kSchema;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ScanReport> decode_report_document(std::string_view text, std::string_view what) {
  try {
    const auto doc = nlohmann::json::parse(text);
    if (!doc.is_object() || doc.value("schema", "") != kSchema) {
      return fail(ErrorCode::kInvalidInput, std::string(what) + ": not a " + kSchema + " document");
    }
    return doc.get<ScanReport>();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInvalidInput, std::string(what) + ": the report document does not decode: " + e.what());
  }
}

}  // namespace strata

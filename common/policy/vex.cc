#include "common/policy/vex.h"

#include <nlohmann/json.hpp>

#include "common/json_fields.h"

namespace strata {
namespace {

// A product or vulnerability is a string (OpenVEX 0.0.x) or an object with @id / name.
std::string id_of(const nlohmann::json& node, const char* key) {
  if (node.is_string()) return node.get<std::string>();
  if (node.is_object()) {
    if (node.contains(key) && node[key].is_string()) return node[key].get<std::string>();
    if (node.contains("@id") && node["@id"].is_string()) return node["@id"].get<std::string>();
  }
  return "";
}

std::string_view purl_base(std::string_view purl) {
  return purl.substr(0, std::min(purl.find('@'), purl.find('?')));
}

}  // namespace

Result<std::vector<VexStatement>> parse_openvex(std::string_view text, std::string_view name) {
  const std::string where(name);
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(ErrorCode::kInvalidInput, where + ": not a JSON object");
  auto context_field = json_fields::string_field(doc, "@context", where);
  if (!context_field) return std::unexpected(context_field.error());
  const std::string& context = *context_field;
  if (context.find("openvex") == std::string::npos) {
    return fail(ErrorCode::kInvalidInput, where + ": not an OpenVEX document (no openvex @context)");
  }
  const auto statements = doc.find("statements");
  if (statements == doc.end() || !statements->is_array()) {
    return fail(ErrorCode::kInvalidInput, where + ": no statements array");
  }
  std::vector<VexStatement> out;
  for (std::size_t i = 0; i < statements->size(); ++i) {
    const auto& s = (*statements)[i];
    const std::string at = where + ": statements[" + std::to_string(i) + "]";
    if (!s.is_object()) return fail(ErrorCode::kInvalidInput, at + " is not an object");
    VexStatement st;
    if (s.contains("vulnerability")) {
      const auto& v = s["vulnerability"];
      if (const std::string n = id_of(v, "name"); !n.empty()) st.vulnerabilities.push_back(n);
      if (v.is_object() && v.contains("aliases") && v["aliases"].is_array()) {
        for (const auto& a : v["aliases"]) {
          if (a.is_string()) st.vulnerabilities.push_back(a.get<std::string>());
        }
      }
    }
    if (st.vulnerabilities.empty()) return fail(ErrorCode::kInvalidInput, at + " names no vulnerability");
    if (s.contains("products") && s["products"].is_array()) {
      for (const auto& p : s["products"]) {
        if (const std::string id = id_of(p, "@id"); !id.empty()) st.products.push_back(id);
        if (p.is_object() && p.contains("subcomponents") && p["subcomponents"].is_array()) {
          for (const auto& sub : p["subcomponents"]) {
            if (const std::string id = id_of(sub, "@id"); !id.empty()) st.products.push_back(id);
          }
        }
      }
    }
    auto status = json_fields::string_field(s, "status", at);
    if (!status) return std::unexpected(status.error());
    st.status = std::move(*status);
    if (st.status.empty()) return fail(ErrorCode::kInvalidInput, at + " has no status");
    auto justification = json_fields::string_field(s, "justification", at);
    if (!justification) return std::unexpected(justification.error());
    st.justification = std::move(*justification);
    out.push_back(std::move(st));
  }
  return out;
}

bool vex_product_matches(std::string_view product, std::string_view purl, std::string_view image_ref,
                         std::string_view image_digest) {
  if (product == purl || product == image_ref || (!image_digest.empty() && product == image_digest)) return true;
  if (product.starts_with("pkg:") && purl.starts_with("pkg:")) {
    // A product without a version names every version; with one, version and type must agree.
    if (product.find('@') == std::string_view::npos) return purl_base(product) == purl_base(purl);
    return product.substr(0, product.find('?')) == purl.substr(0, purl.find('?'));
  }
  return false;
}

}  // namespace strata

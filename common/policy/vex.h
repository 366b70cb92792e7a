// OpenVEX documents (https://github.com/openvex/spec): statements that a vulnerability does not
// affect a product. A `not_affected` (or `fixed`) statement suppresses the findings it names;
// the report counts what was suppressed and why. Pure: bytes in.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace strata {

struct VexStatement {
  std::vector<std::string> vulnerabilities;  // name and aliases
  std::vector<std::string> products;         // purls or image references; empty: every product
  std::string status;                        // not_affected, affected, fixed, under_investigation
  std::string justification;                 // for not_affected
};

// kInvalidInput naming the document and what is wrong when it is no OpenVEX document.
Result<std::vector<VexStatement>> parse_openvex(std::string_view json, std::string_view name);

// Whether `product` (a statement's product id) names the package `purl` or the image: equal,
// or equal up to the purl's version and qualifiers ("pkg:deb/debian/openssl" names every
// version), or the image reference or digest.
bool vex_product_matches(std::string_view product, std::string_view purl, std::string_view image_ref,
                         std::string_view image_digest);

}  // namespace strata

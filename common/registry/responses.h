// The small JSON documents a registry answers with besides manifests: its error document
// ({"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}, OCI distribution spec, "Error codes")
// and the pages of tags/list and _catalog ({"tags":[…]}, {"repositories":[…]}). Bytes from a
// registry are untrusted: fields of the wrong type are ignored or errors, never exceptions, and a
// listing is bounded before it is accumulated. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace strata {

// " MANIFEST_UNKNOWN: manifest unknown" from the first entry of an error document, to follow
// "HTTP 404"; "" when the body is no such document or names neither a code nor a message.
// At most 200 characters of the registry's text are kept, control characters replaced.
std::string describe_error_document(std::string_view body);

// Appends the strings of `field` ("tags", "repositories") of one listing page to `out`. A page
// that is not a JSON object is kCorrupt; more than `max_total` entries in `out` is
// kLimitExceeded (checked before each append, so memory stays bounded by the limit).
Result<void> append_listing_page(std::string_view body, std::string_view field, std::size_t max_total,
                                 std::vector<std::string>& out);

}  // namespace strata

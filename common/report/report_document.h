// The report document: one image's scan report (its inventory, the database generation, what the
// policy kept and counted, the warnings) as one JSON text, "strata.report-document/v1". What the
// coordinator stores per image, once; every format (report_formats.h) is rendered from it when
// asked, so a fleet stores one document per image rather than every format of every report.
// decode(encode(r)) renders every format exactly as r does (a unit test holds it to that).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "common/report/vuln_report.h"

namespace strata {

std::string encode_report_document(const ScanReport& report);
// kInvalidInput naming `what` when the text is not a document of this version.
Result<ScanReport> decode_report_document(std::string_view text, std::string_view what);

}  // namespace strata

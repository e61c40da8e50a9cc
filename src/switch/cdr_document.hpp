// A channel's call detail record in FreeSWITCH's layouts (docs/cdr.md): mod_xml_cdr's <cdr>
// document (switch_ivr_generate_xml_cdr) and mod_json_cdr's object
// (switch_ivr_generate_json_cdr). Built in memory from a snapshot of the session.
#pragma once

#include <string>

namespace es::sw {

class Session;

// "<?xml version=\"1.0\"?>\n<cdr core-uuid=... switchname=...>...</cdr>\n".
std::string xml_cdr(const Session& session);
// One line of JSON (cJSON's unformatted print); `url_encode_values` as mod_json_cdr's
// encode-values (its default: true).
std::string json_cdr(const Session& session, bool url_encode_values);

}  // namespace es::sw

// mod_amqp's routing keys: the profile's format_fields joined with '.', header values escaped
// so they cannot add segments or wildcards (docs/amqp.md, "Routing keys").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "amqp/amqp_config.hpp"
#include "core/event.hpp"

namespace es::amqp {

// Routing keys are AMQP short strings: at most 255 bytes. Longer keys are cut there.
inline constexpr std::size_t kMaxRoutingKeyBytes = 255;

// Appends `value` escaped: [A-Za-z0-9-~_] kept, '.' -> "%2E", ' ' -> '+', any other byte
// -> "%XX" (upper-case hex). A value that is exactly "#" or "*" is kept as the wildcard.
void append_key_escaped(std::string& out, std::string_view value);

// The routing key of `event` for these segments: a '#' alternative is a literal, otherwise
// the first alternative naming a present header gives its escaped value; a segment with no
// match stays empty between its dots.
std::string build_routing_key(const std::vector<KeySegment>& segments, const core::Event& event);

}  // namespace es::amqp

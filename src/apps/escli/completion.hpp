// Tab completion through the switch's "console_complete" api command, as fs_cli does it: the
// request carries the line (and the cursor when it is not at the end); the reply lists the
// matches and may end in "write=<length>:<text>", which replaces the word being typed.
#pragma once

#include <string>
#include <string_view>

#include "apps/escli/line_editor.hpp"

namespace es::apps::escli {

// The api command (without "api ") for `line` with the cursor at byte `cursor`.
std::string completion_request(std::string_view line, std::size_t cursor);

// The edit a console_complete reply asks for.
CompletionEdit parse_completion_reply(std::string_view reply);

}  // namespace es::apps::escli

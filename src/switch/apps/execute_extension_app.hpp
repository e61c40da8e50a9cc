// The execute_extension application (mod_dptools.c: exe_function;
// switch_core_session_execute_exten): hunts an extension in the named dialplan and context
// and runs its actions inline in the current session.
#pragma once

namespace es::sw {

class ApplicationRegistry;

void register_execute_extension_app(ApplicationRegistry& registry);

}  // namespace es::sw

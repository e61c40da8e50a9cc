// Prints the switch's status, places a call, prints its answer. Usage: readme_example [port]
#include <client/sync_connection.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  using namespace es::client;
  SyncConnection conn;  // blocking calls; a background thread serves the socket
  unsigned short port = argc > 1 ? std::atoi(argv[1]) : 8021;
  conn.connect("127.0.0.1", port, Credentials::password_only("ClueCon"));
  std::cout << conn.api("status") << '\n';
  conn.subscribe(es::protocol::EventFormat::kPlain, "CHANNEL_ANSWER");
  BackgroundJob job = conn.bgapi("originate null/1000 &park()");  // waits for the job's end
  std::cout << "originate: " << job.body;
  if (std::optional<Event> answer = conn.next_event(std::chrono::seconds(5)))
    std::cout << answer->name() << ' ' << answer->header_or("Channel-Name") << '\n';
  conn.api("hupall");
  conn.disconnect();
}

/**
 * ringloop used as a library: small servers on its task-style API, and one (HTTPS) on its framing API. The whole setup a module needs is
 * {@code requires io.ringloop}; the JVM then runs with {@code --enable-native-access=io.ringloop} and
 * {@code --add-opens java.base/java.lang=io.ringloop} (see the README). Nothing is exported: {@code java -m}
 * runs a main class of a package its module keeps to itself.
 */
module io.ringloop.examples {
    requires io.ringloop;
}

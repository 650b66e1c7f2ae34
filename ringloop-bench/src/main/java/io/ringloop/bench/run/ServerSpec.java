package io.ringloop.bench.run;

import java.util.List;

/**
 * How to start one server: main class, arguments before {@code --port P}, and JVM flags of its own.
 *
 * @param family "ringloop", "netty" or "jdk": the report compares every server with the best "netty" one
 */
public record ServerSpec(String id, String family, String mainClass, List<String> args, List<String> jvmFlags,
                         String description) {

    public boolean isNetty() {
        return family.equals("netty");
    }

    public boolean isRingloop() {
        return family.equals("ringloop");
    }
}

package dev.mmkit.assembly;

// Why: the progress bar is fed in batches from the references a workload makes; the counts
// must be exact and the other calls must pass through untouched.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Kernel;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountingKernelTest {
    @Test
    void countsReferencesAndReportsThemInBatches() {
        List<String> calls = new ArrayList<>();
        Kernel inner = (Kernel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Kernel.class},
            (proxy, method, args) -> {
                calls.add(method.getName());
                Class<?> r = method.getReturnType();
                if (r == boolean.class) {
                    return Boolean.TRUE;
                }
                if (r == int.class) {
                    return Integer.valueOf(7);
                }
                return r == long.class ? (Object) Long.valueOf(0) : null;
            });
        List<Long> steps = new ArrayList<>();
        CountingKernel kernel = new CountingKernel(inner, steps::add);
        assertThat(kernel.spawn("p")).isEqualTo(7);
        for (int i = 0; i < CountingKernel.BATCH + 5; i++) {
            kernel.access(7, 0x1000, 1, -1);
        }
        kernel.store(7, 0x2000, 8, 1);
        kernel.load(7, 0x2000, 8);
        assertThat(kernel.references()).isEqualTo(CountingKernel.BATCH + 7);
        assertThat(steps).containsExactly((long) CountingKernel.BATCH);
        kernel.flush();
        assertThat(steps).containsExactly((long) CountingKernel.BATCH, 7L);
        assertThat(calls).startsWith("spawn", "access").endsWith("store", "load");
        assertThat(calls).hasSize(CountingKernel.BATCH + 8);
    }
}

package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// An insert that both grows the tree by many levels and builds a new path below the new root needs
// more nodes than one path: radix_tree_preload keeps RADIX_TREE_PRELOAD_SIZE = 2 * MAX_PATH - 1.
class RadixTreeDeepInsertPreloadTest {
    @Test
    void insertAtTheLargestIndexIntoAHeightOneTreeHasEnoughPreloadedNodes() {
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = 8MiB\nmmkit.machine.zones = [ { name = Normal } ]");
        KmemCache nodes = m.slab().createCache("radix_tree_node", RadixTree.NODE_SIZE, 8, 0, null);
        RadixTree tree = new RadixTree(nodes);
        assertThat(tree.preload()).isTrue();
        tree.insert(0, 1);
        assertThat(tree.preload()).isTrue();
        // height 1 -> 9: eight new roots, then eight new nodes down to the leaf of MAX_INDEX
        tree.insert(RadixTree.MAX_INDEX, 2);
        assertThat(tree.height()).isEqualTo(RadixTree.MAX_HEIGHT);
        assertThat(tree.lookup(RadixTree.MAX_INDEX)).isEqualTo(2);
        assertThat(tree.lookup(0)).isEqualTo(1);
        assertThat(tree.verify()).isEqualTo(2);
    }

    @Test
    void pwriteFarPastAPageOfTheFileIsNotAnException() {
        StandaloneMachine m = Machines.build("8MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "sparse.bin", true);
        byte[] one = {42};
        assertThat(mm.pwrite(pid, fd, one, 1, 0)).isEqualTo(1);
        // page index 2^38 (1 PiB): the tree grows from height 1 to 7 and needs 12 new nodes
        long pos = 1L << 50;
        assertThat(mm.pwrite(pid, fd, one, 1, pos)).isEqualTo(1);
        byte[] back = new byte[1];
        assertThat(mm.pread(pid, fd, back, 1, pos)).isEqualTo(1);
        assertThat(back[0]).isEqualTo((byte) 42);
        Machines.cache(m).verify();
        mm.verify();
    }
}

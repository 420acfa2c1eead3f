package dev.mmkit.machine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link Settings} over a block of a Typesafe {@link Config}. Every error names the file,
 * line and full path of the value, so that a plugin's problem reads like the machine's own.
 */
public final class ConfigSettings implements Settings {
    private final Config root;
    private final String path;
    private final Config block;
    private final Problems problems;

    /**
     * @param root the whole configuration (for origins)
     * @param path the block's full path
     * @param problems where {@link #reportProblem} records
     */
    public ConfigSettings(Config root, String path, Problems problems) {
        this(root, path, root.hasPath(path) ? root.getConfig(path) : ConfigFactory.empty("no block " + path), problems);
    }

    private ConfigSettings(Config root, String path, Config block, Problems problems) {
        this.root = root;
        this.path = path;
        this.block = block;
        this.problems = problems;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public boolean has(String key) {
        return block.hasPath(key);
    }

    @Override
    public String getString(String key) {
        return get(key, block::getString);
    }

    @Override
    public int getInt(String key) {
        return get(key, k -> {
            checkWhole(k, Integer.MIN_VALUE, Integer.MAX_VALUE);
            return block.getInt(k);
        });
    }

    @Override
    public long getLong(String key) {
        return get(key, k -> {
            checkWhole(k, Long.MIN_VALUE, Long.MAX_VALUE);
            return block.getLong(k);
        });
    }

    /**
     * Refuses a number with a fraction or out of range where a whole one is read: Typesafe
     * would truncate {@code 1.5} to 1 and clamp {@code 1e30}, a silent change of what was written.
     */
    private void checkWhole(String key, long min, long max) {
        if (block.hasPath(key) && block.getValue(key).unwrapped() instanceof Number n
            && !(n instanceof Integer || n instanceof Long)) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || d < min || d > max) {
                throw problem(key, block.getValue(key).render() + " (expected: a whole number from " + min + " to " + max + ")");
            }
        }
    }

    @Override
    public double getDouble(String key) {
        return get(key, block::getDouble);
    }

    @Override
    public boolean getBoolean(String key) {
        return get(key, block::getBoolean);
    }

    @Override
    public long getBytes(String key) {
        return get(key, block::getBytes);
    }

    @Override
    public long getNanos(String key) {
        return get(key, k -> block.getDuration(k).toNanos());
    }

    /** The duration at {@code key}. */
    public Duration getDuration(String key) {
        return get(key, block::getDuration);
    }

    @Override
    public List<String> getStringList(String key) {
        return get(key, block::getStringList);
    }

    @Override
    public Settings getBlock(String key) {
        Config sub = get(key, block::getConfig);
        return new ConfigSettings(root, path + "." + key, sub, problems);
    }

    @Override
    public List<? extends Settings> getBlockList(String key) {
        List<? extends Config> list = get(key, block::getConfigList);
        List<ConfigSettings> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(new ConfigSettings(root, path + "." + key + "[" + i + "]", list.get(i), problems));
        }
        return out;
    }

    @Override
    public String origin(String key) {
        ConfigOrigin origin = originOf(key);
        String where = Problems.where(origin);
        return where.isEmpty() ? "(unknown)" : where.substring(0, where.length() - 2);
    }

    @Override
    public void reportProblem(String key, String problem) {
        problems.add(originOf(key), path + "." + key, problem);
    }

    /** The exception a getter throws: {@code file: line: path: problem}. */
    public ConfigurationException problem(String key, String problem) {
        Problems one = new Problems();
        one.add(originOf(key), path + "." + key, problem);
        return new ConfigurationException(one.list());
    }

    private ConfigOrigin originOf(String key) {
        if (block.hasPathOrNull(key)) {
            ConfigValue value = block.getValue(key);
            return value.origin();
        }
        return block.origin();
    }

    private <T> T get(String key, Function<String, T> getter) {
        try {
            return getter.apply(key);
        } catch (ConfigException.Null e) {
            Problems one = new Problems();
            one.add(e.origin(), path + "." + key, "null (expected: a value; leave the key out for its default)");
            throw new ConfigurationException(one.list());
        } catch (ConfigException.Missing e) {
            Problems one = new Problems();
            // the block that lacks it (a zone of the user's list, a watermarks entry) names the file and line
            one.add(block.origin().filename() != null || block.origin().lineNumber() >= 0 ? block.origin() : null,
                path + "." + key, "missing (no default in any reference.conf)");
            throw new ConfigurationException(one.list());
        } catch (ConfigException.WrongType e) {
            throw problem(key, wrongType(e.getMessage(), key));
        } catch (ConfigException.BadValue e) {
            // "origin: Invalid value at 'size': Attempt to construct memory size with negative number: -4096"
            String message = e.getMessage();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Invalid value at '[^']*': (.*)$",
                java.util.regex.Pattern.DOTALL).matcher(message);
            int cut = message.lastIndexOf(": ");
            throw problem(key, m.find() ? m.group(1) : cut >= 0 ? message.substring(cut + 2) : message);
        }
    }

    /** {@code expected number, got string 'lots'} from Typesafe's "has type STRING rather than NUMBER". */
    private String wrongType(String message, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("has type (\\w+) rather than (\\w+)").matcher(message);
        if (!m.find()) {
            return simplify(message, key);
        }
        String expected = m.group(2).toLowerCase(java.util.Locale.ROOT);
        String got = m.group(1).toLowerCase(java.util.Locale.ROOT);
        String value = "";
        if (block.hasPath(key)) {
            ConfigValue v = block.getValue(key);
            value = " " + v.render(com.typesafe.config.ConfigRenderOptions.concise());
        }
        return "wrong type: expected " + expected + ", got " + got + value;
    }

    private String simplify(String message, String key) {
        int at = message.indexOf(key);
        return at >= 0 ? message.substring(at + key.length()).replaceFirst("^[: ]+", "") : message;
    }
}

package io.kcp.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

/**
 * A read-only MBean whose attributes are named counters, read when asked: kcp-go's Snmp names
 * (BytesSent, InCsumErrors, ...) plus whatever else the owner adds. A dynamic MBean, so the
 * attribute names are exactly the names kcptun's SNMP log uses.
 */
public final class SnmpMBean implements DynamicMBean {

    private final Map<String, LongSupplier> attributes;
    private final MBeanInfo info;

    /**
     * @param description what the MBean counts
     * @param attributes the counters by name, in the order to show them
     */
    public SnmpMBean(String description, Map<String, LongSupplier> attributes) {
        this.attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        List<MBeanAttributeInfo> infos = new ArrayList<>();
        for (String name : attributes.keySet()) {
            infos.add(new MBeanAttributeInfo(name, "long", name, true, false, false));
        }
        this.info = new MBeanInfo(SnmpMBean.class.getName(), description,
                infos.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        LongSupplier s = attributes.get(name);
        if (s == null) throw new AttributeNotFoundException("no counter named " + name);
        return s.getAsLong();
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("counters are read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String name : names) {
            LongSupplier s = attributes.get(name);
            if (s != null) list.add(new Attribute(name, s.getAsLong()));
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}

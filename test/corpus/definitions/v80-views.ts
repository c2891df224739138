import { Column, DataSource, Entity, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from "typeorm";

@Entity({ name: "v80_order" })
export class V80Order {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) customer: string;
  @Column({ type: "integer" }) amount: number;
}

/** SQL text, with the leading and trailing spaces TypeORM trims. */
@ViewEntity({
  name: "v80_customer_totals",
  expression: `
    SELECT "customer", SUM("amount") AS "total", COUNT(*) AS "orders"
    FROM "v80_order" GROUP BY "customer"
  `,
})
export class V80CustomerTotal {
  @ViewColumn() customer: string;
  @ViewColumn() total: number;
  @ViewColumn() orders: number;
}

/** A query builder over the entity, rendered with getQuery(). */
@ViewEntity({
  name: "v80_big_orders",
  expression: (dataSource: DataSource) =>
    dataSource.createQueryBuilder().select("o.id", "id").addSelect("o.customer", "customer").from(V80Order, "o").where("o.amount >= 100"),
})
export class V80BigOrder {
  @ViewColumn() id: number;
  @ViewColumn() customer: string;
}

/** A view reading another view (dependsOn): created after it, dropped before it. */
@ViewEntity({
  name: "v80_big_customers",
  dependsOn: [V80BigOrder],
  expression: `SELECT DISTINCT "customer" FROM "v80_big_orders"`,
})
export class V80BigCustomer {
  @ViewColumn() customer: string;
}

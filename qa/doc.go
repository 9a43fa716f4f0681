// Package qa is quality inspection of printed orders (抽检, 问题处理, 数据统计与分析):
//
//   - percentage sampling of the orders printed in a period ([Sample]): at least
//     ⌈X % × N⌉ orders, reproducible from a seed, every operator and printer of
//     the period represented, orders already inspected not drawn again;
//   - ISO 2859-1 (GB/T 2828.1) single sampling by attributes for lots
//     ([CodeLetter], [PlanFor]) with its switching rules ([Switching]);
//   - inspection records with defects, their severity and cause ([Inspection]),
//     and rework that closes only on a passing re-inspection ([Cases]);
//   - statistics, causes and scorecards ([Analyze]) and their charts and
//     report.
//
// [Desk] is the same work checked against an access.Authorizer (access.QAInspect);
// the package functions check nothing.
//
// The package does no I/O of its own: records live in a [Store], time comes from
// the caller and randomness from a seed.
package qa

package access

import (
	"maps"
	"slices"
)

// Permission names one action a principal may be allowed to do. Policies and scripts
// use these names.
type Permission string

// Permissions, one for every action a host or the CLI offers.
const (
	OrderRead      Permission = "order.read"      // list and show orders, the journal, jobs and shipments (masked)
	OrderReadPII   Permission = "order.read_pii"  // see recipients' names, phones and addresses unmasked
	OrderIngest    Permission = "order.ingest"    // take in and review orders
	OrderRelease   Permission = "order.release"   // approve or reject a held order
	OrderResolve   Permission = "order.resolve"   // settle a held order: exchange, price adjustment
	OrderRefund    Permission = "order.refund"    // refund (cancel) an order, printed or not
	OrderAmend     Permission = "order.amend"     // change an order's recipient
	Print          Permission = "print"           // print approved orders' documents
	PrintReprint   Permission = "print.reprint"   // print a document again
	PrintVoid      Permission = "print.void"      // cancel a waybill number with the carrier (a reprint with a new number)
	ShipVerify     Permission = "ship.verify"     // scan parcels against their orders before packing
	ShipHandover   Permission = "ship.handover"   // hand parcels over to a carrier
	ShipTrack      Permission = "ship.track"      // take in tracking events, report courier problems
	QAInspect      Permission = "qa.inspect"      // inspect print quality
	DeviceManage   Permission = "device.manage"   // set up printers and devices
	SuppliesManage Permission = "supplies.manage" // load and count labels, ribbons and paper
	DataBackup     Permission = "data.backup"     // write backups
	DataRestore    Permission = "data.restore"    // restore a store from backups
	DataErase      Permission = "data.erase"      // erase customers' personal data past its retention period
	AccessManage   Permission = "access.manage"   // change who may do what
)

var allPermissions = []Permission{
	OrderRead, OrderReadPII, OrderIngest, OrderRelease, OrderResolve, OrderRefund, OrderAmend,
	Print, PrintReprint, PrintVoid, ShipVerify, ShipHandover, ShipTrack, QAInspect,
	DeviceManage, SuppliesManage, DataBackup, DataRestore, DataErase, AccessManage,
}

// Permissions returns every permission, in a fixed order.
func Permissions() []Permission { return slices.Clone(allPermissions) }

// Valid reports whether p is one of [Permissions].
func (p Permission) Valid() bool { return slices.Contains(allPermissions, p) }

// Built-in role names, for the people of a shipping station.
const (
	RoleService     = "service"     // 客服: orders with the customer's data, resolutions, changes of recipient
	RoleOperator    = "operator"    // 打单员: ingest and print, reprint without a new number, supplies
	RoleShipper     = "shipper"     // 发货员: verify, hand over, track
	RoleInspector   = "inspector"   // 质检员: inspect print quality, verify parcels
	RoleMaintenance = "maintenance" // 设备管理: printers, devices and supplies
	RoleManager     = "manager"     // 管理员: everything
	RoleFinance     = "finance"     // 财务: refunds
	RoleViewer      = "viewer"      // read only, personal data masked
)

// DefaultRoles returns the built-in roles: each name with the permissions it grants.
// The map is a new copy each call; a host may change it and build a [Policy] from it.
func DefaultRoles() map[string][]Permission {
	return map[string][]Permission{
		RoleService:     {OrderRead, OrderReadPII, OrderRelease, OrderResolve, OrderAmend, ShipTrack},
		RoleOperator:    {OrderRead, OrderIngest, Print, PrintReprint, SuppliesManage},
		RoleShipper:     {OrderRead, ShipVerify, ShipHandover, ShipTrack},
		RoleInspector:   {OrderRead, QAInspect, ShipVerify},
		RoleMaintenance: {OrderRead, DeviceManage, SuppliesManage},
		RoleManager:     Permissions(),
		RoleFinance:     {OrderRead, OrderRefund},
		RoleViewer:      {OrderRead},
	}
}

// RoleNames returns the names of the built-in roles, sorted.
func RoleNames() []string { return slices.Sorted(maps.Keys(DefaultRoles())) }

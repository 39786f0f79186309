package tenant

import (
	"net/mail"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
)

// BackupArgs configures an AWS Backup plan for a tenant's database, kept in
// the tenant's region and encrypted with the tenant's key.
type BackupArgs struct {
	// Schedule is an AWS Backup cron expression, for example
	// "cron(0 3 * * ? *)". Required.
	Schedule string
	// RetentionDays is how long each recovery point is kept. Required.
	RetentionDays int
	// NotifyEmail, when set, is subscribed to backup job events.
	NotifyEmail string
}

// maxBackupRetentionDays is the largest retention tenancy accepts (ten
// years); AWS Backup itself allows more.
const maxBackupRetentionDays = 3650

func (b *BackupArgs) problems() []error {
	var errs []error
	if err := awsrules.CheckBackupSchedule(b.Schedule); err != nil {
		errs = append(errs, fieldErrorf("backup.schedule", "%w", err))
	}
	if b.RetentionDays < 1 || b.RetentionDays > maxBackupRetentionDays {
		errs = append(errs, fieldErrorf("backup.retentionDays", "%d must be between 1 and %d", b.RetentionDays, maxBackupRetentionDays))
	}
	if b.NotifyEmail != "" {
		if a, err := mail.ParseAddress(b.NotifyEmail); err != nil || a.Address != b.NotifyEmail {
			errs = append(errs, fieldErrorf("backup.notifyEmail", "%q is not an email address", b.NotifyEmail))
		}
	}
	return errs
}

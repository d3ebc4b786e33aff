using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MinerWatch.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddressBookAndLanguage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "AspNetUsers",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SiteAddresses",
                columns: table => new
                {
                    Id = table.Column<string>(nullable: false),
                    MeterId = table.Column<string>(nullable: false),
                    Region = table.Column<string>(nullable: false),
                    Prefix = table.Column<string>(nullable: false),
                    Note = table.Column<string>(nullable: true),
                    Added = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteAddresses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SiteAddresses_MeterId_Prefix",
                table: "SiteAddresses",
                columns: new[] { "MeterId", "Prefix" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiteAddresses_Region",
                table: "SiteAddresses",
                column: "Region");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SiteAddresses");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "AspNetUsers");
        }
    }
}
